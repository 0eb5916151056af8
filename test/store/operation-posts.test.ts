import { ManualClock } from '../../src/clock';
import { MIGRATIONS, PG_MIGRATIONS, type OperationPost } from '../../src/store';
import { describeBackends } from '../support/backends';
import { pendingInstall } from './helpers';

/**
 * The post journal's rows (migration v9): a compare-and-set per post on either backend, and the
 * move of the posts journalled inside operation results before v9 into rows of their own.
 */

const POSTING: OperationPost = {
  state: 'posting',
  at: '2026-03-01T10:00:00.000Z',
  settleAt: '2026-03-01T10:00:30.000Z',
};
const POSTED: OperationPost = { state: 'posted', at: '2026-03-01T10:00:01.000Z', ts: '1700000000.000100' };

describeBackends('operation posts', (backend) => {
  it('begins a post once: of two writers that read nothing, one gets it', async () => {
    const { store, clock } = await backend.open();
    const op = await store.operations.create(pendingInstall(clock));
    const other: OperationPost = { ...POSTING, at: '2026-03-01T10:00:05.000Z' };
    const won = await Promise.all([
      store.posts.swap(op.id, 'result:0', undefined, POSTING),
      store.posts.swap(op.id, 'result:0', undefined, other),
    ]);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await store.posts.get(op.id, 'result:0')).toEqual(won[0] ? POSTING : other);
    expect(await store.posts.get(op.id, 'result:1')).toBeUndefined();
    await store.close();
  });

  it('changes or deletes a record only while it is the one expected', async () => {
    const { store, clock } = await backend.open();
    const op = await store.operations.create(pendingInstall(clock));
    await store.posts.put(op.id, 'card', POSTING);
    const settled: OperationPost = { ...POSTING, settleAt: '2026-03-01T10:00:02.000Z' };
    expect(await store.posts.swap(op.id, 'card', { ...POSTING, at: 'another time' }, settled)).toBe(false);
    expect(await store.posts.swap(op.id, 'card', POSTING, settled)).toBe(true);
    expect(await store.posts.swap(op.id, 'card', POSTING, undefined)).toBe(false);
    expect(await store.posts.get(op.id, 'card')).toEqual(settled);
    expect(await store.posts.swap(op.id, 'card', settled, undefined)).toBe(true);
    expect(await store.posts.get(op.id, 'card')).toBeUndefined();
    // put writes whatever was there; a posted record has no settle time, a posting one no ts.
    await store.posts.put(op.id, 'card', POSTING);
    await store.posts.put(op.id, 'card', POSTED);
    expect(await store.posts.get(op.id, 'card')).toEqual(POSTED);
    expect(await store.posts.swap(op.id, 'card', POSTED, POSTING)).toBe(true);
    expect(await store.posts.get(op.id, 'card')).toEqual(POSTING);
    await store.close();
  });

  it('migration v9 moves the posts journalled in results to rows, and takes them out of the results', async () => {
    const at = backend.place();
    const before = backend.name === 'sqlite' ? MIGRATIONS.slice(0, 8) : PG_MIGRATIONS.slice(0, 8);
    const old = await backend.openAt(at, { migrations: before } as object);
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const journalled = await old.operations.create(pendingInstall(clock));
    const other = await old.operations.create(pendingInstall(clock, { group: 'DEV' }));
    const plain = await old.operations.create(pendingInstall(clock, { group: 'QA' }));
    await old.operations.update(journalled.id, {
      result: {
        summary: 'kept',
        posts: {
          card: POSTED,
          'result:0': POSTING,
          // Neither a whole posting nor a whole posted record: never read as one, so not moved.
          'result:1': { state: 'posting', at: '2026-03-01T10:00:03.000Z' },
        },
      },
    });
    await old.operations.update(other.id, { result: { posts: ['not', 'a', 'journal'], failures: [] } });
    await old.operations.update(plain.id, { result: { summary: 'no posts' } });
    await old.close();

    const store = await backend.openAt(at);
    expect(await store.posts.get(journalled.id, 'card')).toEqual(POSTED);
    expect(await store.posts.get(journalled.id, 'result:0')).toEqual(POSTING);
    expect(await store.posts.get(journalled.id, 'result:1')).toBeUndefined();
    expect((await store.operations.get(journalled.id))?.result).toEqual({ summary: 'kept' });
    expect((await store.operations.get(other.id))?.result).toEqual({ failures: [] });
    expect((await store.operations.get(plain.id))?.result).toEqual({ summary: 'no posts' });
    await store.close();
  });
});
