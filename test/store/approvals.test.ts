import { describeBackends } from '../support/backends';
import { pendingInstall } from './helpers';

describeBackends('ApprovalRepository', ({ open }) => {
  it('counts each approver once, only while the operation is pending', async () => {
    const { store, clock } = await open();
    const op = await store.operations.create(pendingInstall(clock));
    expect(await store.approvals.add(op.id, 'U2')).toBe('recorded');
    expect(await store.approvals.add(op.id, 'U2')).toBe('duplicate');
    clock.advance(1000);
    expect(await store.approvals.add(op.id, 'U3')).toBe('recorded');
    expect(await store.approvals.list(op.id)).toEqual([
      { operationId: op.id, userId: 'U2', at: new Date('2026-03-01T10:00:00.000Z') },
      { operationId: op.id, userId: 'U3', at: new Date('2026-03-01T10:00:01.000Z') },
    ]);

    await store.operations.transition(op.id, { from: 'pending', to: 'approved' });
    expect(await store.approvals.add(op.id, 'U4')).toBe('not_pending');
    expect(await store.approvals.add('op-000000', 'U4')).toBe('not_found');
    expect(await store.approvals.list(op.id)).toHaveLength(2);
    expect(await store.approvals.list('op-000000')).toEqual([]);
    await store.close();
  });
});
