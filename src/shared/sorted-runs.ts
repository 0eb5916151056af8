/**
 * A long list sorted a part at a time: each part is sorted as it is added, and the sorted parts are
 * merged pairwise, MERGE_SLICE items to a turn of the event loop. A group's status sorted its
 * 50,000 non-compliant instances in one run, which held the loop for 100 to 220 ms while a poll ran,
 * and the last merge of two halves alone took 35 ms.
 */
import { setImmediate } from 'node:timers/promises';

/** Items merged in one turn of the event loop: a few milliseconds with the status's comparison. */
export const MERGE_SLICE = 4096;

/** Lists added in parts and handed back as one list in `compare`'s order (stable: equal items keep the order they were added in). */
export class SortedRuns<T> {
  private runs: T[][] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** Sorts `items` (in place) and keeps them as one part; an empty list is dropped. */
  add(items: T[]): void {
    if (items.length > 0) this.runs.push(items.sort(this.compare));
  }

  /** Every part merged into one sorted list, at once. */
  merged(): T[] {
    while (this.runs.length > 1) this.runs = this.mergeLevel();
    return this.runs[0] ?? [];
  }

  /** As `merged`, a turn of the event loop at most every MERGE_SLICE items merged. */
  async mergedInTurns(): Promise<T[]> {
    while (this.runs.length > 1) {
      const next: T[][] = [];
      for (let i = 0; i < this.runs.length; i += 2) {
        const merge = this.mergeOf(i);
        while (!merge.step(MERGE_SLICE)) await setImmediate();
        next.push(merge.out);
        await setImmediate();
      }
      this.runs = next;
    }
    return this.runs[0] ?? [];
  }

  private mergeLevel(): T[][] {
    const next: T[][] = [];
    for (let i = 0; i < this.runs.length; i += 2) {
      const merge = this.mergeOf(i);
      merge.step(Number.POSITIVE_INFINITY);
      next.push(merge.out);
    }
    return next;
  }

  /** The merge of parts i and i + 1 (part i alone when it is the last), done `step` items at a time. */
  private mergeOf(i: number): { out: T[]; step(items: number): boolean } {
    const left = this.runs[i] ?? [];
    const right = this.runs[i + 1] ?? [];
    const compare = this.compare;
    const out: T[] = new Array(left.length + right.length);
    let l = 0;
    let r = 0;
    let o = 0;
    return {
      out,
      step(items: number): boolean {
        const end = Math.min(out.length, o + items);
        // Ties take the left part's item first, so equal items keep the order their parts were added in.
        while (o < end) {
          if (r >= right.length || (l < left.length && compare(right[r] as T, left[l] as T) >= 0))
            out[o++] = left[l++] as T;
          else out[o++] = right[r++] as T;
        }
        return o === out.length;
      },
    };
  }
}
