import { PatchbotError, StoreError } from '../../src/errors';
import { describeBackends } from '../support/backends';
import { pendingInstall } from './helpers';

describeBackends('OperationRepository: expiry, listing and corrupt rows', ({ name, open, exec }) => {
  describe('expireDue', () => {
    it('expires only pending operations at or past their expiry, once', async () => {
      const { store, clock } = await open();
      const early = await store.operations.create(
        pendingInstall(clock, { expiresAt: new Date('2026-03-01T11:00:00.000Z') }),
      );
      const exact = await store.operations.create(
        pendingInstall(clock, { expiresAt: new Date('2026-03-01T12:00:00.000Z') }),
      );
      const later = await store.operations.create(
        pendingInstall(clock, { expiresAt: new Date('2026-03-01T12:00:00.001Z') }),
      );
      const decided = await store.operations.create(
        pendingInstall(clock, { expiresAt: new Date('2026-03-01T11:00:00.000Z') }),
      );
      await store.operations.transition(decided.id, { from: 'pending', to: 'approved' });

      expect(await store.operations.expireDue(new Date('2026-03-01T10:59:59.999Z'))).toEqual([]);
      const now = new Date('2026-03-01T12:00:00.000Z');
      const expired = await store.operations.expireDue(now);
      expect(expired.map((o) => o.id).sort()).toEqual([early.id, exact.id].sort());
      for (const o of expired)
        expect(o).toMatchObject({ status: 'expired', finishedAt: now, updatedAt: now, version: 2 });
      expect((await store.operations.get(later.id))?.status).toBe('pending');
      expect((await store.operations.get(decided.id))?.status).toBe('approved');
      // Twice is a no-op: the expiry card is updated once.
      expect(await store.operations.expireDue(now)).toEqual([]);
      // And a late Approve loses.
      expect(await store.operations.transition(early.id, { from: 'pending', to: 'approved' })).toBeUndefined();
      await store.close();
    });

    it('uses the clock when no time is given', async () => {
      const { store, clock } = await open();
      const op = await store.operations.create(pendingInstall(clock));
      expect(await store.operations.expireDue()).toEqual([]);
      clock.advance(4 * 3600_000);
      expect((await store.operations.expireDue()).map((o) => o.id)).toEqual([op.id]);
      await store.close();
    });
  });

  describe('listing', () => {
    it('listUnfinished returns approved, sending and running, oldest first', async () => {
      const { store, clock } = await open();
      const make = async () => {
        clock.advance(1000);
        return await store.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }));
      };
      const pending = await store.operations.create(pendingInstall(clock));
      const approved = await make();
      const sending = await make();
      const running = await make();
      const done = await make();
      await store.operations.transition(sending.id, { from: 'approved', to: 'sending' });
      await store.operations.transition(running.id, { from: 'approved', to: 'sending' });
      await store.operations.transition(running.id, { from: 'sending', to: 'running' });
      await store.operations.transition(done.id, { from: 'approved', to: 'cancelled' });

      const unfinished = await store.operations.listUnfinished();
      expect(unfinished.map((o) => [o.id, o.status])).toEqual([
        [approved.id, 'approved'],
        [sending.id, 'sending'],
        [running.id, 'running'],
      ]);
      expect(unfinished.map((o) => o.id)).not.toContain(pending.id);
      await store.close();
    });

    it('listRecent is newest first, filters by group, kind and status, and honours the limit', async () => {
      const { store, clock } = await open();
      const ids: string[] = [];
      for (const [group, kind] of [
        ['STG', 'install'],
        ['PRD', 'scan'],
        ['STG', 'scan'],
        ['PRD', 'install'],
        ['STG', 'install'],
      ] as const) {
        ids.push(
          (await store.operations.create({ kind, group, status: 'approved', requestedBy: 'U1', channel: 'C1' })).id,
        );
        clock.advance(1000);
      }
      expect((await store.operations.listRecent({ limit: 10 })).map((o) => o.id)).toEqual([...ids].reverse());
      expect((await store.operations.listRecent({ limit: 2 })).map((o) => o.id)).toEqual([ids[4], ids[3]]);
      expect((await store.operations.listRecent({ group: 'STG', limit: 10 })).map((o) => o.id)).toEqual([
        ids[4],
        ids[2],
        ids[0],
      ]);
      expect(
        (await store.operations.listRecent({ group: 'STG', kind: 'install', limit: 10 })).map((o) => o.id),
      ).toEqual([ids[4], ids[0]]);
      await store.operations.transition(ids[0]!, { from: 'approved', to: 'sending' });
      expect(
        (await store.operations.listRecent({ group: 'STG', kind: 'install', statuses: ['sending'], limit: 1 })).map(
          (o) => o.id,
        ),
      ).toEqual([ids[0]]);
      expect(await store.operations.listRecent({ group: 'QA', limit: 10 })).toEqual([]);
      await expect(store.operations.listRecent({ limit: 0 })).rejects.toThrow(PatchbotError);
      await store.close();
    });

    it('orders operations created in the same millisecond by insertion', async () => {
      const { store, clock } = await open();
      const a = await store.operations.create(pendingInstall(clock));
      const b = await store.operations.create(pendingInstall(clock));
      expect((await store.operations.listRecent({ limit: 2 })).map((o) => o.id)).toEqual([b.id, a.id]);
      await store.close();
    });
  });

  describe('corrupt rows fail loudly', () => {
    it.each([
      ['params', `'not json'`, /params/],
      ['commands', `'[{"scope":"x"}]'`, /commands/],
      ['status', `'paused'`, /status/],
      ['created_at', `'yesterday'`, /created_at/],
      ['error', `'{"code":1}'`, /error/],
    ])('a bad %s column', async (column, value, pattern) => {
      const { store, clock } = await open();
      const op = await store.operations.create(pendingInstall(clock));
      // The JSON CHECK guards writes through SQL too; drop it for this test by writing around it.
      if (store.sqlite) store.sqlite.pragma('ignore_check_constraints = ON');
      else await exec(store, `ALTER TABLE operations DROP CONSTRAINT IF EXISTS operations_${column}_check`);
      await exec(store, `UPDATE operations SET ${column} = ${value} WHERE id = '${op.id}'`);
      let thrown: unknown;
      try {
        await store.operations.get(op.id);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(StoreError);
      expect((thrown as Error).message).toMatch(pattern);
      expect((thrown as Error).message).toContain(op.id);
      expect((thrown as Error).message).toContain(store.path);
      // The fix names the tool for this backend, never the other one's.
      const [tool, other] = name === 'postgres' ? ['psql', 'sqlite3'] : ['the sqlite3 shell', 'psql'];
      expect((thrown as Error).message).toContain(`fix or delete it with ${tool}, or restore a backup`);
      expect((thrown as Error).message).not.toContain(other);
      await store.close();
    });
  });
});
