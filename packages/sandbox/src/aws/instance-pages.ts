/**
 * Paging over instances by index: each filter that an index answers offers a candidate list (or a
 * union of lists, one per value), the smallest is walked from the token's seq, and the remaining
 * predicates run on what the walk meets. A page costs what it walks, not the fleet.
 */
import type { SimulatorError } from './errors';
import { paginateWalk, type Page, type PagingScope } from './paging';
import type { Partition } from './partition';
import { indexAfter, type SeqList } from './fleet/indexes';
import type { SimInstance } from './fleet/model';

/** A union of seq-ordered lists, or undefined for "the whole fleet" (no index answers the filter). */
export type Candidates = readonly SeqList[] | undefined;

/** The sort key of an instance in every instance list and token: its seq, zero-padded. */
export function seqKey(instance: SimInstance): string {
  return String(instance.seq).padStart(10, '0');
}

/** The named instances (unknown ids left out) as one seq-ordered list. */
export function byIds(partition: Partition, ids: readonly string[]): Candidates {
  const found = new Set<SimInstance>();
  for (const id of ids) {
    const instance = partition.instances.get(id);
    if (instance) found.add(instance);
  }
  return [[...found].sort((a, b) => a.seq - b.seq)];
}

/** The smallest of the offered candidate unions; the fleet when none is offered. */
export function smallest(partition: Partition, offers: readonly Candidates[]): readonly SeqList[] {
  let best: readonly SeqList[] = [partition.instanceList];
  let size = partition.instanceList.length;
  for (const offer of offers) {
    if (offer === undefined) continue;
    const n = offer.reduce((sum, list) => sum + list.length, 0);
    if (n < size) {
      best = offer;
      size = n;
    }
  }
  return best;
}

/** The instances of `lists` with seq after `afterSeq`, merged in seq order, each once. */
export function* walkAfter(lists: readonly SeqList[], afterSeq: number): Generator<SimInstance> {
  const live = lists.filter((list) => list.length > 0);
  if (live.length === 1) {
    const list = live[0] as SeqList;
    for (let i = indexAfter(list, afterSeq); i < list.length; i++) yield list[i] as SimInstance;
    return;
  }
  const at = live.map((list) => indexAfter(list, afterSeq));
  let lastSeq = afterSeq;
  for (;;) {
    let pick = -1;
    let pickSeq = Number.POSITIVE_INFINITY;
    for (let l = 0; l < live.length; l++) {
      const instance = (live[l] as SeqList)[at[l] as number];
      if (instance && instance.seq < pickSeq) {
        pick = l;
        pickSeq = instance.seq;
      }
    }
    if (pick < 0) return;
    const instance = (live[pick] as SeqList)[at[pick] as number] as SimInstance;
    at[pick] = (at[pick] as number) + 1;
    if (instance.seq === lastSeq) continue;
    lastSeq = instance.seq;
    yield instance;
  }
}

/** One page of the accepted instances among the smallest candidate union, in launch order. */
export function pageInstances(
  partition: Partition,
  offers: readonly Candidates[],
  accept: (instance: SimInstance) => boolean,
  maxResults: number,
  nextToken: string | undefined,
  scope: PagingScope,
  invalidToken: () => SimulatorError,
): Page<SimInstance> {
  const lists = smallest(partition, offers);
  return paginateWalk(
    (afterKey) => walkAfter(lists, afterKey === undefined ? -1 : Number(afterKey)),
    seqKey,
    accept,
    maxResults,
    nextToken,
    scope,
    invalidToken,
  );
}
