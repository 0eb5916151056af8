/** The days a compliance chart covers: the last `days` UTC calendar days up to and including today. */

/** How many days the digest's and `/patch status <group> chart`'s charts show. */
export const CHART_DAYS = 30;

/** A chart's period: every UTC day from `fromDay` to `toDay` (`YYYY-MM-DD`), oldest first. */
export interface ChartPeriod {
  fromDay: string;
  toDay: string;
  days: string[];
}

/** The UTC calendar day of `at`, `YYYY-MM-DD` (the history store's key). */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The last `days` UTC days ending on `now`'s day. */
export function chartPeriod(now: Date, days = CHART_DAYS): ChartPeriod {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const list: string[] = [];
  for (let i = days - 1; i >= 0; i--) list.push(utcDay(new Date(end - i * 86_400_000)));
  return { fromDay: list[0] ?? utcDay(now), toDay: utcDay(now), days: list };
}
