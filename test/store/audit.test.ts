import { PatchbotError } from '../../src/errors';
import { SYSTEM_ACTOR } from '../../src/store';
import { describeBackends } from '../support/backends';

describeBackends('AuditRepository', ({ name: backend, open, exec }) => {
  it('appends entries stamped by the clock and lists them newest first, by operation or group', async () => {
    const { store, clock } = await open();
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
    const { store } = await open();
    await expect(store.audit.append({ actor: 'U1', action: 'operation.yolo' as never })).rejects.toThrow(PatchbotError);
    await expect(store.audit.append({ actor: '', action: 'operation.sent' })).rejects.toThrow(/actor/);
    await store.close();
  });

  it('is append-only in the database itself', async () => {
    const { store } = await open();
    await store.audit.append({ actor: 'U1', action: 'operation.requested' });
    // The driver's own error (better-sqlite3's comes from outside jest's realm, so toThrow misses it).
    const appendOnly = expect.stringMatching(/append-only/);
    await expect(exec(store, `UPDATE audit_log SET actor = 'U666'`)).rejects.toHaveProperty('message', appendOnly);
    await expect(exec(store, `DELETE FROM audit_log`)).rejects.toHaveProperty('message', appendOnly);
    if (backend === 'postgres')
      await expect(exec(store, 'TRUNCATE audit_log')).rejects.toHaveProperty('message', appendOnly);
    expect(await store.audit.list({ limit: 10 })).toHaveLength(1);
    await store.close();
  });
});
