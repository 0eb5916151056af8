/** The days a compliance chart covers: the last `days` UTC calendar days up to and including today. */
import { addDays, utcDay } from '../shared/utc-day';

/** How many days the digest's and `/patch status <group> chart`'s charts show. */
export const CHART_DAYS = 30;

/** A chart's period: every UTC day from `fromDay` to `toDay` (`YYYY-MM-DD`), oldest first. */
export interface ChartPeriod {
  fromDay: string;
  toDay: string;
  days: string[];
}

/** The last `days` UTC days ending on `now`'s day. */
export function chartPeriod(now: Date, days = CHART_DAYS): ChartPeriod {
  const toDay = utcDay(now);
  const list = Array.from({ length: days }, (_, i) => addDays(toDay, i - days + 1));
  return { fromDay: list[0] ?? toDay, toDay, days: list };
}
