/**
 * "Did you mean …?" for words people mistype: subcommands, group names, options. Optimal string
 * alignment distance (Levenshtein plus swapping two neighbours, so `statsu` is one edit from
 * `status`), case-insensitive, and a unique prefix (`hist` → `history`).
 */

/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** How many edits still count as a typo of a word this long: one for short words, two from five letters. */
function tolerance(length: number): number {
  return length <= 4 ? 1 : 2;
}

/**
 * The candidate the user most likely meant, or undefined when none is close. Ties go to the
 * candidate listed first; words far longer than every candidate are not typos of one.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  if (typed === '' || typed.length > 64) return undefined;
  const prefixed = typed.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(typed)) : [];
  if (prefixed.length === 1) return prefixed[0];
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (distance === 0) return candidate;
    if (distance <= tolerance(Math.min(typed.length, candidate.length)) && (!best || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}

/** " Did you mean install?" (with its leading space), or "" when nothing is close. */
export function didYouMean(
  word: string,
  candidates: readonly string[],
  render: (candidate: string) => string = (c) => c,
): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : ` Did you mean ${render(match)}?`;
}
