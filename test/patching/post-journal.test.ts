import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { CARD, storeJournal } from '../../src/patching/post-journal';
import { openStore, type Store } from '../../src/store';
import { pendingInstall } from '../store/helpers';

/**
 * The post journal over the store: a row per post, so a thread part's records never read or
 * rewrite the operation (whose result is megabytes at the end of a large change), and the card's
 * record is the operation's messageTs.
 */
describe('storeJournal', () => {
  let store: Store;
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  beforeEach(async () => {
    store = await openStore({ path: ':memory:', logger: silentLogger(), clock });
  });
  afterEach(async () => store.close());

  it('records a thread part without writing the operation', async () => {
    const op = await store.operations.create(pendingInstall(clock));
    const journal = storeJournal(store, op.id, clock);
    expect(await journal.begin('result:0', new Date('2026-03-01T10:00:30.000Z'), undefined)).toBe(true);
    await journal.settle('result:0');
    await journal.posted('result:0', '1700000000.000200');
    expect(await journal.get('result:0')).toEqual({
      state: 'posted',
      at: '2026-03-01T10:00:00.000Z',
      ts: '1700000000.000200',
    });
    expect((await store.operations.get(op.id))?.version).toBe(op.version);
  });

  it('lets one of two begins with the same expectation through', async () => {
    const op = await store.operations.create(pendingInstall(clock));
    const journal = storeJournal(store, op.id, clock);
    const settleAt = new Date('2026-03-01T10:00:30.000Z');
    const both = await Promise.all([
      journal.begin('result:1', settleAt, undefined),
      journal.begin('result:1', settleAt, undefined),
    ]);
    expect(both.sort()).toEqual([false, true]);
    const now = await journal.get('result:1');
    expect(now).toEqual({ state: 'posting', at: '2026-03-01T10:00:00.000Z', settleAt: settleAt.toISOString() });
    // A refusal forgets it; a second begin from what is recorded now goes through.
    await journal.forget('result:1');
    expect(await journal.get('result:1')).toBeUndefined();
    expect(await journal.begin('result:1', settleAt, now)).toBe(false);
    expect(await journal.begin('result:1', settleAt, undefined)).toBe(true);
  });

  it('keeps the card as the operation’s messageTs', async () => {
    const op = await store.operations.create(pendingInstall(clock));
    const journal = storeJournal(store, op.id, clock);
    expect(await journal.begin(CARD, new Date('2026-03-01T10:00:30.000Z'), undefined)).toBe(true);
    await journal.posted(CARD, '1700000000.000100');
    expect((await store.operations.get(op.id))?.messageTs).toBe('1700000000.000100');
    // A card whose ts came some other way is posted, and is not begun again.
    const other = await store.operations.create(pendingInstall(clock, { group: 'DEV' }));
    await store.operations.update(other.id, { messageTs: '1700000000.000300' });
    const theirs = storeJournal(store, other.id, clock);
    expect(await theirs.get(CARD)).toMatchObject({ state: 'posted', ts: '1700000000.000300' });
    expect(await theirs.begin(CARD, new Date('2026-03-01T10:00:30.000Z'), undefined)).toBe(false);
  });

  it('records nothing for an operation that does not exist', async () => {
    const journal = storeJournal(store, 'op-missing', clock);
    expect(await journal.begin('result:0', new Date('2026-03-01T10:00:30.000Z'), undefined)).toBe(false);
    await journal.posted('result:0', '1700000000.000200');
    expect(await journal.get('result:0')).toBeUndefined();
  });
});
