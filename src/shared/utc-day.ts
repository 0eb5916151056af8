/**
 * UTC calendar days as the compliance history keeps them: `YYYY-MM-DD` in the API, a day number
 * (days since 1970-01-01) in the database, so a day is a small integer and day arithmetic is
 * subtraction. The history is per UTC day so every replica and time zone agrees on "today".
 */

const DAY_MS = 86_400_000;
const DAY_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC calendar day of `date`, `YYYY-MM-DD`. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whether `text` is a real calendar day written `YYYY-MM-DD`. */
export function isDayText(text: string): boolean {
  const m = DAY_TEXT.exec(text);
  if (!m) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && utcDay(date) === text;
}

/** `YYYY-MM-DD` → days since 1970-01-01; throws on anything else (a caller's bug, not user input). */
export function dayNumber(text: string): number {
  if (!isDayText(text)) throw new RangeError(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(text)}`);
  return Math.round(new Date(`${text}T00:00:00Z`).getTime() / DAY_MS);
}

/** Days since 1970-01-01 → `YYYY-MM-DD`. */
export function dayText(n: number): string {
  return utcDay(new Date(n * DAY_MS));
}

/** The day `n` days after `day` (before it when `n` is negative). */
export function addDays(day: string, n: number): string {
  return dayText(dayNumber(day) + n);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}
