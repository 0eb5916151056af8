import { ConflictError, NotFoundError, PatchbotError, StoreError } from '../../src/errors';
import { isOperationId } from '../../src/store';
import { pendingInstall, testStore } from './helpers';

describe('OperationRepository', () => {
  it('creates an operation with a typeable id and reads it back with its JSON intact', () => {
    const { store, clock } = testStore();
    const plan = {
      instances: [{ id: 'i-0abc', name: 'web-1' }],
      patches: [{ id: 'KB1', severity: 'Critical', missing: 3 }],
      note: 'ünïcødé ✓',
    };
    const created = store.operations.create(pendingInstall(clock, { plan, messageTs: '1700000000.000100' }));

    expect(isOperationId(created.id)).toBe(true);
    expect(created.id).toMatch(/^op-[0-9a-hjkmnp-tv-z]{6}$/);
    expect(created).toMatchObject({
      kind: 'install',
      group: 'PRD',
      status: 'pending',
      requestedBy: 'U123',
      channel: 'C456',
      messageTs: '1700000000.000100',
      params: { rebootOption: 'RebootIfNeeded', maxConcurrency: '10%', maxErrors: '1' },
      plan,
      commands: [],
      result: null,
      error: null,
      finishedAt: null,
      version: 1,
    });
    expect(created.createdAt).toEqual(clock.now());
    expect(created.expiresAt).toEqual(new Date('2026-03-01T14:00:00.000Z'));
    expect(store.operations.get(created.id)).toEqual(created);
    expect(store.operations.get('op-zzzzzz')).toBeUndefined();
    store.close();
  });

  it('round-trips commands, result and error through update, bumping version', () => {
    const { store, clock } = testStore();
    const op = store.operations.create({
      kind: 'scan',
      group: 'STG',
      status: 'approved',
      requestedBy: 'U1',
      channel: 'C1',
    });
    expect(op.expiresAt).toBeNull();
    clock.advance(1000);
    const commands = [
      { scope: 'prod', region: 'eu-west-1', commandId: '11111111-2222-3333-4444-555555555555' },
      { scope: 'prod', region: 'us-east-1', commandId: 'aaaaaaaa-2222-3333-4444-555555555555' },
    ];
    const result = {
      instances: { 'i-1': { status: 'Success', missing: { Critical: 0 } } },
      nested: [1, 'two', null, true],
    };
    const updated = store.operations.update(op.id, {
      commands,
      result,
      messageTs: '1.2',
      error: { code: 'AWS_THROTTLED', message: 'Rate exceeded' },
    });
    expect(updated).toMatchObject({
      commands,
      result,
      messageTs: '1.2',
      error: { code: 'AWS_THROTTLED', message: 'Rate exceeded' },
      version: 2,
      status: 'approved',
    });
    expect(updated.updatedAt).toEqual(clock.now());
    expect(updated.createdAt).toEqual(op.createdAt);

    // undefined leaves a field alone; null clears it.
    const cleared = store.operations.update(op.id, { error: null, messageTs: null });
    expect(cleared).toMatchObject({ commands, result, error: null, messageTs: null, version: 3 });
    expect(store.operations.get(op.id)).toEqual(cleared);
    store.close();
  });

  it('update of an unknown operation is NotFound', () => {
    const { store } = testStore();
    expect(() => store.operations.update('op-000000', { messageTs: '1' })).toThrow(NotFoundError);
    store.close();
  });

  it('refuses a pending operation without expiry and an unknown kind', () => {
    const { store, clock } = testStore();
    expect(() => store.operations.create(pendingInstall(clock, { expiresAt: undefined }))).toThrow(/needs expiresAt/);
    expect(() => store.operations.create(pendingInstall(clock, { kind: 'nuke' as never }))).toThrow(PatchbotError);
    expect(() => store.operations.create(pendingInstall(clock, { status: 'running' as never }))).toThrow(
      /invalid new operation/,
    );
    store.close();
  });

  it('draws a new id when one collides', () => {
    const ids = ['op-aaaaaa', 'op-aaaaaa', 'op-bbbbbb'];
    const { store, clock } = testStore({ newOperationId: () => ids.shift() ?? 'op-cccccc' });
    expect(store.operations.create(pendingInstall(clock)).id).toBe('op-aaaaaa');
    expect(store.operations.create(pendingInstall(clock)).id).toBe('op-bbbbbb');
    store.close();
  });

  it('gives up with a StoreError when ids keep colliding', () => {
    const { store, clock } = testStore({ newOperationId: () => 'op-aaaaaa' });
    store.operations.create(pendingInstall(clock));
    expect(() => store.operations.create(pendingInstall(clock))).toThrow(StoreError);
    store.close();
  });

  describe('transition', () => {
    it('moves along the lifecycle, bumping version and setting finishedAt only at the end', () => {
      const { store, clock } = testStore();
      const op = store.operations.create(pendingInstall(clock));
      clock.advance(60_000);
      const approved = store.operations.transition(op.id, { from: 'pending', to: 'approved' });
      expect(approved).toMatchObject({ status: 'approved', version: 2, finishedAt: null });
      const sending = store.operations.transition(op.id, { from: 'approved', to: 'sending' });
      const commands = [{ scope: 'default', region: 'eu-west-1', commandId: 'c-1' }];
      const running = store.operations.transition(op.id, { from: 'sending', to: 'running', patch: { commands } });
      expect(sending?.status).toBe('sending');
      expect(running).toMatchObject({ status: 'running', commands, version: 4, finishedAt: null });
      clock.advance(60_000);
      const done = store.operations.transition(op.id, {
        from: 'running',
        to: 'succeeded',
        patch: { result: { ok: 3, failed: 0 } },
      });
      expect(done).toMatchObject({ status: 'succeeded', result: { ok: 3, failed: 0 }, version: 5 });
      expect(done?.finishedAt).toEqual(clock.now());
      expect(store.operations.get(op.id)).toEqual(done);
      store.close();
    });

    it('returns undefined, and changes nothing, when the status is no longer in from', () => {
      const { store, clock } = testStore();
      const op = store.operations.create(pendingInstall(clock));
      expect(store.operations.transition(op.id, { from: 'pending', to: 'approved' })).toBeDefined();
      // A second Approve click: lost the race, nothing happens.
      expect(store.operations.transition(op.id, { from: 'pending', to: 'approved' })).toBeUndefined();
      expect(store.operations.transition(op.id, { from: 'pending', to: 'rejected' })).toBeUndefined();
      expect(store.operations.get(op.id)).toMatchObject({ status: 'approved', version: 2 });
      store.close();
    });

    it('accepts several from-statuses (cancel from pending or approved)', () => {
      const { store, clock } = testStore();
      const a = store.operations.create(pendingInstall(clock));
      const b = store.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }));
      for (const op of [a, b]) {
        const cancelled = store.operations.transition(op.id, {
          from: ['pending', 'approved'],
          to: 'cancelled',
          patch: { error: { code: 'CANCELLED', message: 'by U9' } },
        });
        expect(cancelled).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED', message: 'by U9' } });
        expect(cancelled?.finishedAt).toEqual(clock.now());
      }
      store.close();
    });

    it('throws ConflictError when the lifecycle forbids the move, whatever the current status', () => {
      const { store, clock } = testStore();
      const op = store.operations.create(pendingInstall(clock));
      expect(() => store.operations.transition(op.id, { from: 'pending', to: 'sending' })).toThrow(ConflictError);
      expect(() => store.operations.transition(op.id, { from: ['pending', 'running'], to: 'approved' })).toThrow(
        /running -> approved/,
      );
      expect(() => store.operations.transition(op.id, { from: 'succeeded', to: 'running' })).toThrow(ConflictError);
      expect(() => store.operations.transition(op.id, { from: [], to: 'approved' })).toThrow(PatchbotError);
      expect(store.operations.get(op.id)).toMatchObject({ status: 'pending', version: 1 });
      store.close();
    });

    it('throws NotFoundError for an unknown id', () => {
      const { store } = testStore();
      expect(() => store.operations.transition('op-000000', { from: 'approved', to: 'sending' })).toThrow(
        NotFoundError,
      );
      store.close();
    });
  });

  describe('expireDue', () => {
    it('expires only pending operations at or past their expiry, once', () => {
      const { store, clock } = testStore();
      const early = store.operations.create(pendingInstall(clock, { expiresAt: new Date('2026-03-01T11:00:00.000Z') }));
      const exact = store.operations.create(pendingInstall(clock, { expiresAt: new Date('2026-03-01T12:00:00.000Z') }));
      const later = store.operations.create(pendingInstall(clock, { expiresAt: new Date('2026-03-01T12:00:00.001Z') }));
      const decided = store.operations.create(
        pendingInstall(clock, { expiresAt: new Date('2026-03-01T11:00:00.000Z') }),
      );
      store.operations.transition(decided.id, { from: 'pending', to: 'approved' });

      expect(store.operations.expireDue(new Date('2026-03-01T10:59:59.999Z'))).toEqual([]);
      const now = new Date('2026-03-01T12:00:00.000Z');
      const expired = store.operations.expireDue(now);
      expect(expired.map((o) => o.id).sort()).toEqual([early.id, exact.id].sort());
      for (const o of expired)
        expect(o).toMatchObject({ status: 'expired', finishedAt: now, updatedAt: now, version: 2 });
      expect(store.operations.get(later.id)?.status).toBe('pending');
      expect(store.operations.get(decided.id)?.status).toBe('approved');
      // Twice is a no-op: the expiry card is updated once.
      expect(store.operations.expireDue(now)).toEqual([]);
      // And a late Approve loses.
      expect(store.operations.transition(early.id, { from: 'pending', to: 'approved' })).toBeUndefined();
      store.close();
    });

    it('uses the clock when no time is given', () => {
      const { store, clock } = testStore();
      const op = store.operations.create(pendingInstall(clock));
      expect(store.operations.expireDue()).toEqual([]);
      clock.advance(4 * 3600_000);
      expect(store.operations.expireDue().map((o) => o.id)).toEqual([op.id]);
      store.close();
    });
  });

  describe('listing', () => {
    it('listUnfinished returns approved, sending and running, oldest first', () => {
      const { store, clock } = testStore();
      const make = () => {
        clock.advance(1000);
        return store.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }));
      };
      const pending = store.operations.create(pendingInstall(clock));
      const approved = make();
      const sending = make();
      const running = make();
      const done = make();
      store.operations.transition(sending.id, { from: 'approved', to: 'sending' });
      store.operations.transition(running.id, { from: 'approved', to: 'sending' });
      store.operations.transition(running.id, { from: 'sending', to: 'running' });
      store.operations.transition(done.id, { from: 'approved', to: 'cancelled' });

      const unfinished = store.operations.listUnfinished();
      expect(unfinished.map((o) => [o.id, o.status])).toEqual([
        [approved.id, 'approved'],
        [sending.id, 'sending'],
        [running.id, 'running'],
      ]);
      expect(unfinished.map((o) => o.id)).not.toContain(pending.id);
      store.close();
    });

    it('listRecent is newest first, filters by group, kind and status, and honours the limit', () => {
      const { store, clock } = testStore();
      const ids: string[] = [];
      for (const [group, kind] of [
        ['STG', 'install'],
        ['PRD', 'scan'],
        ['STG', 'scan'],
        ['PRD', 'install'],
        ['STG', 'install'],
      ] as const) {
        ids.push(store.operations.create({ kind, group, status: 'approved', requestedBy: 'U1', channel: 'C1' }).id);
        clock.advance(1000);
      }
      expect(store.operations.listRecent({ limit: 10 }).map((o) => o.id)).toEqual([...ids].reverse());
      expect(store.operations.listRecent({ limit: 2 }).map((o) => o.id)).toEqual([ids[4], ids[3]]);
      expect(store.operations.listRecent({ group: 'STG', limit: 10 }).map((o) => o.id)).toEqual([
        ids[4],
        ids[2],
        ids[0],
      ]);
      expect(store.operations.listRecent({ group: 'STG', kind: 'install', limit: 10 }).map((o) => o.id)).toEqual([
        ids[4],
        ids[0],
      ]);
      store.operations.transition(ids[0]!, { from: 'approved', to: 'sending' });
      expect(
        store.operations
          .listRecent({ group: 'STG', kind: 'install', statuses: ['sending'], limit: 1 })
          .map((o) => o.id),
      ).toEqual([ids[0]]);
      expect(store.operations.listRecent({ group: 'QA', limit: 10 })).toEqual([]);
      expect(() => store.operations.listRecent({ limit: 0 })).toThrow(PatchbotError);
      store.close();
    });

    it('orders operations created in the same millisecond by insertion', () => {
      const { store, clock } = testStore();
      const a = store.operations.create(pendingInstall(clock));
      const b = store.operations.create(pendingInstall(clock));
      expect(store.operations.listRecent({ limit: 2 }).map((o) => o.id)).toEqual([b.id, a.id]);
      store.close();
    });
  });

  describe('corrupt rows fail loudly', () => {
    it.each([
      ['params', `'not json'`, /params/],
      ['commands', `'[{"scope":"x"}]'`, /commands/],
      ['status', `'paused'`, /status/],
      ['created_at', `'yesterday'`, /created_at/],
      ['error', `'{"code":1}'`, /error/],
    ])('a bad %s column', (column, value, pattern) => {
      const { store, clock } = testStore();
      const op = store.operations.create(pendingInstall(clock));
      // The json_valid CHECK guards writes through SQL too; drop it for this test by writing around it.
      store.db.pragma('ignore_check_constraints = ON');
      store.db.prepare(`UPDATE operations SET ${column} = ${value} WHERE id = ?`).run(op.id);
      let thrown: unknown;
      try {
        store.operations.get(op.id);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(StoreError);
      expect((thrown as Error).message).toMatch(pattern);
      expect((thrown as Error).message).toContain(op.id);
      expect((thrown as Error).message).toContain(':memory:');
      store.close();
    });
  });
});
