import { ConflictError, NotFoundError, PatchbotError, StoreError } from '../../src/errors';
import { isOperationId } from '../../src/store';
import { describeBackends } from '../support/backends';
import { pendingInstall } from './helpers';

describeBackends('OperationRepository', ({ open }) => {
  it('creates an operation with a typeable id and reads it back with its JSON intact', async () => {
    const { store, clock } = await open();
    const plan = {
      instances: [{ id: 'i-0abc', name: 'web-1' }],
      patches: [{ id: 'KB1', severity: 'Critical', missing: 3 }],
      note: 'ünïcødé ✓',
    };
    const created = await store.operations.create(pendingInstall(clock, { plan, messageTs: '1700000000.000100' }));

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
    expect(await store.operations.get(created.id)).toEqual(created);
    expect(await store.operations.get('op-zzzzzz')).toBeUndefined();
    await store.close();
  });

  it('round-trips commands, result and error through update, bumping version', async () => {
    const { store, clock } = await open();
    const op = await store.operations.create({
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
    await store.operations.update(op.id, {
      commands,
      result,
      messageTs: '1.2',
      error: { code: 'AWS_THROTTLED', message: 'Rate exceeded' },
    });
    const updated = (await store.operations.get(op.id))!;
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
    await store.operations.update(op.id, { error: null, messageTs: null });
    expect(await store.operations.get(op.id)).toMatchObject({
      commands,
      result,
      error: null,
      messageTs: null,
      version: 3,
    });
    await store.close();
  });

  it('update of an unknown operation is NotFound', async () => {
    const { store } = await open();
    await expect(store.operations.update('op-000000', { messageTs: '1' })).rejects.toThrow(NotFoundError);
    await store.close();
  });

  it('refuses a pending operation without expiry and an unknown kind', async () => {
    const { store, clock } = await open();
    await expect(store.operations.create(pendingInstall(clock, { expiresAt: undefined }))).rejects.toThrow(
      /needs expiresAt/,
    );
    await expect(store.operations.create(pendingInstall(clock, { kind: 'nuke' as never }))).rejects.toThrow(
      PatchbotError,
    );
    await expect(store.operations.create(pendingInstall(clock, { status: 'running' as never }))).rejects.toThrow(
      /invalid new operation/,
    );
    await store.close();
  });

  it('draws a new id when one collides', async () => {
    const ids = ['op-aaaaaa', 'op-aaaaaa', 'op-bbbbbb'];
    const { store, clock } = await open({ newOperationId: () => ids.shift() ?? 'op-cccccc' });
    expect((await store.operations.create(pendingInstall(clock))).id).toBe('op-aaaaaa');
    expect((await store.operations.create(pendingInstall(clock))).id).toBe('op-bbbbbb');
    await store.close();
  });

  it('gives up with a StoreError when ids keep colliding', async () => {
    const { store, clock } = await open({ newOperationId: () => 'op-aaaaaa' });
    await store.operations.create(pendingInstall(clock));
    await expect(store.operations.create(pendingInstall(clock))).rejects.toThrow(StoreError);
    await store.close();
  });

  describe('transition', () => {
    it('moves along the lifecycle, bumping version and setting finishedAt only at the end', async () => {
      const { store, clock } = await open();
      const op = await store.operations.create(pendingInstall(clock));
      clock.advance(60_000);
      const approved = await store.operations.transition(op.id, { from: 'pending', to: 'approved' });
      expect(approved).toMatchObject({ status: 'approved', version: 2, finishedAt: null });
      const sending = await store.operations.transition(op.id, { from: 'approved', to: 'sending' });
      const commands = [{ scope: 'default', region: 'eu-west-1', commandId: 'c-1' }];
      const running = await store.operations.transition(op.id, { from: 'sending', to: 'running', patch: { commands } });
      expect(sending?.status).toBe('sending');
      expect(running).toMatchObject({ status: 'running', commands, version: 4, finishedAt: null });
      clock.advance(60_000);
      const done = await store.operations.transition(op.id, {
        from: 'running',
        to: 'succeeded',
        patch: { result: { ok: 3, failed: 0 } },
      });
      expect(done).toMatchObject({ status: 'succeeded', result: { ok: 3, failed: 0 }, version: 5 });
      expect(done?.finishedAt).toEqual(clock.now());
      expect(await store.operations.get(op.id)).toEqual(done);
      await store.close();
    });

    it('returns undefined, and changes nothing, when the status is no longer in from', async () => {
      const { store, clock } = await open();
      const op = await store.operations.create(pendingInstall(clock));
      expect(await store.operations.transition(op.id, { from: 'pending', to: 'approved' })).toBeDefined();
      // A second Approve click: lost the race, nothing happens.
      expect(await store.operations.transition(op.id, { from: 'pending', to: 'approved' })).toBeUndefined();
      expect(await store.operations.transition(op.id, { from: 'pending', to: 'rejected' })).toBeUndefined();
      expect(await store.operations.get(op.id)).toMatchObject({ status: 'approved', version: 2 });
      await store.close();
    });

    it('accepts several from-statuses (cancel from pending or approved)', async () => {
      const { store, clock } = await open();
      const a = await store.operations.create(pendingInstall(clock));
      const b = await store.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }));
      for (const op of [a, b]) {
        const cancelled = await store.operations.transition(op.id, {
          from: ['pending', 'approved'],
          to: 'cancelled',
          patch: { error: { code: 'CANCELLED', message: 'by U9' } },
        });
        expect(cancelled).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED', message: 'by U9' } });
        expect(cancelled?.finishedAt).toEqual(clock.now());
      }
      await store.close();
    });

    it('lets a missed scheduled change expire from approved, and of a miss and a send claim exactly one wins', async () => {
      const { store, clock } = await open();
      const op = await store.operations.create(pendingInstall(clock, { status: 'approved', expiresAt: undefined }));
      const [missed, claimed] = await Promise.all([
        store.operations.transition(op.id, { from: 'approved', to: 'expired', patch: { result: { missed: 'late' } } }),
        store.operations.transition(op.id, { from: 'approved', to: 'sending' }),
      ]);
      expect([missed, claimed].filter(Boolean)).toHaveLength(1);
      const now = await store.operations.get(op.id);
      expect(now?.status).toBe(missed ? 'expired' : 'sending');
      expect(now?.finishedAt === null).toBe(!missed);
      await store.close();
    });

    it('throws ConflictError when the lifecycle forbids the move, whatever the current status', async () => {
      const { store, clock } = await open();
      const op = await store.operations.create(pendingInstall(clock));
      await expect(store.operations.transition(op.id, { from: 'pending', to: 'sending' })).rejects.toThrow(
        ConflictError,
      );
      await expect(
        store.operations.transition(op.id, { from: ['pending', 'running'], to: 'approved' }),
      ).rejects.toThrow(/running -> approved/);
      await expect(store.operations.transition(op.id, { from: 'succeeded', to: 'running' })).rejects.toThrow(
        ConflictError,
      );
      await expect(store.operations.transition(op.id, { from: [], to: 'approved' })).rejects.toThrow(PatchbotError);
      expect(await store.operations.get(op.id)).toMatchObject({ status: 'pending', version: 1 });
      await store.close();
    });

    it('throws NotFoundError for an unknown id', async () => {
      const { store } = await open();
      await expect(store.operations.transition('op-000000', { from: 'approved', to: 'sending' })).rejects.toThrow(
        NotFoundError,
      );
      await store.close();
    });
  });
});
