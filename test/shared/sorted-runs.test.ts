import { MERGE_SLICE, SortedRuns } from '../../src/shared/sorted-runs';

type Item = { key: number; added: number };
const byKey = (a: Item, b: Item) => a.key - b.key;

/** Parts of random keys (with many ties), each item numbered in the order it was added. */
function parts(seed: number, count: number): Item[][] {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x;
  };
  let added = 0;
  return Array.from({ length: count }, () =>
    Array.from({ length: next() % 40 }, () => ({ key: next() % 10, added: added++ })),
  );
}

describe('SortedRuns', () => {
  it.each([0, 1, 2, 3, 7, 20])('merges %i parts into what one stable sort of them all gives', async (count) => {
    const input = parts(count + 1, count);
    const expected = input.flat().sort(byKey);
    const now = new SortedRuns(byKey);
    const inTurns = new SortedRuns(byKey);
    for (const part of input) {
      now.add([...part]);
      inTurns.add([...part]);
    }
    expect(now.merged()).toEqual(expected);
    await expect(inTurns.mergedInTurns()).resolves.toEqual(expected);
  });

  it('merges parts longer than a turn’s slice in turns, to the same order', async () => {
    const big = (offset: number) =>
      Array.from({ length: MERGE_SLICE + 100 }, (_, i) => ({ key: (i * 7 + offset) % 97, added: offset * 1e6 + i }));
    const input = [big(1), big(2), big(3)];
    const runs = new SortedRuns(byKey);
    for (const part of input) runs.add([...part]);
    let turns = 0;
    const count = () => {
      turns++;
      if (!done) setImmediate(count);
    };
    let done = false;
    setImmediate(count);
    const merged = await runs.mergedInTurns();
    done = true;
    expect(merged).toEqual(input.flat().sort(byKey));
    // Two merges of more than MERGE_SLICE items each take more than one turn apiece.
    expect(turns).toBeGreaterThan(4);
  });

  it('merges in more than one turn', async () => {
    const runs = new SortedRuns(byKey);
    for (const part of parts(5, 4)) runs.add(part);
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const merging = runs.mergedInTurns();
    expect(turned).toBe(false);
    await merging;
    expect(turned).toBe(true);
  });
});
