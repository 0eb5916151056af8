import { PatchbotError } from '../../src/errors';
import { SYSTEM_ACTOR } from '../../src/store';
import { testStore } from './helpers';

describe('AuditRepository', () => {
  it('appends entries stamped by the clock and lists them newest first, by operation or group', async () => {
    const { store, clock } = await testStore();
    const first = await store.audit.append({
      actor: 'U1',
      action: 'operation.requested',
      operationId: 'op-aaaaaa',
      group: 'PRD',
      detail: { reboot: 'never' },
    });
    expect(first).toEqual({
      id: first.id,
      at: clock.now(),
      actor: 'U1',
      action: 'operation.requested',
      operationId: 'op-aaaaaa',
      group: 'PRD',
      detail: { reboot: 'never' },
    });
    clock.advance(1000);
    await store.audit.append({ actor: 'U2', action: 'operation.approved', operationId: 'op-aaaaaa', group: 'PRD' });
    clock.advance(1000);
    await store.audit.append({
      actor: SYSTEM_ACTOR,
      action: 'operation.expired',
      operationId: 'op-bbbbbb',
      group: 'STG',
    });

    expect((await store.audit.list({ limit: 10 })).map((e) => e.action)).toEqual([
      'operation.expired',
      'operation.approved',
      'operation.requested',
    ]);
    expect((await store.audit.list({ operationId: 'op-aaaaaa', limit: 10 })).map((e) => e.actor)).toEqual(['U2', 'U1']);
    expect((await store.audit.list({ group: 'STG', limit: 10 })).map((e) => e.actor)).toEqual([SYSTEM_ACTOR]);
    expect(await store.audit.list({ limit: 1 })).toHaveLength(1);
    const approved = (await store.audit.list({ operationId: 'op-aaaaaa', limit: 1 }))[0];
    expect(approved).toMatchObject({ detail: null, at: new Date('2026-03-01T10:00:01.000Z') });
    await store.close();
  });

  it('refuses unknown actions and a missing actor', async () => {
    const { store } = await testStore();
    await expect(store.audit.append({ actor: 'U1', action: 'operation.yolo' as never })).rejects.toThrow(PatchbotError);
    await expect(store.audit.append({ actor: '', action: 'operation.sent' })).rejects.toThrow(/actor/);
    await store.close();
  });

  it('is append-only in the database itself', async () => {
    const { store } = await testStore();
    await store.audit.append({ actor: 'U1', action: 'operation.requested' });
    expect(() => store.sqlite!.prepare(`UPDATE audit_log SET actor = 'U666'`).run()).toThrow(/append-only/);
    expect(() => store.sqlite!.prepare(`DELETE FROM audit_log`).run()).toThrow(/append-only/);
    expect(await store.audit.list({ limit: 10 })).toHaveLength(1);
    await store.close();
  });
});
