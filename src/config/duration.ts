/** Durations as people write them in patchbot.yml and commands: "90s", "15m", "4h", "2d", "1h30m". */

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
const DURATION_RE = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Milliseconds in a duration like "4h" or "1h30m" (units d, h, m, s in that order), or undefined if it is not one. */
export function tryParseDuration(text: string): number | undefined {
  const match = DURATION_RE.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, d, h, m, s] = match;
  const ms =
    Number(d ?? 0) * UNIT_MS.d + Number(h ?? 0) * UNIT_MS.h + Number(m ?? 0) * UNIT_MS.m + Number(s ?? 0) * UNIT_MS.s;
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** Milliseconds in a duration like "4h" or "1h30m"; throws a RangeError naming the bad text. */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) throw new RangeError(`expected a duration like "4h", got ${JSON.stringify(text)}`);
  return ms;
}

/** The shortest duration text for whole seconds ("1h30m", "4h", "0s"); sub-second parts are dropped. */
export function formatDuration(ms: number): string {
  let rest = Math.floor(Math.max(0, ms) / 1000);
  let out = '';
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out || '0s';
}
