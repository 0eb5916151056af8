/**
 * A compliance chart's data: per group, one value per day of the period, `null` where the history
 * has no row for that day (drawn as a gap, never as a zero).
 */
import type { GroupDay } from '../../patching/ports';
import type { ChartPeriod } from '../../patching/chart-period';

/** One group's series over the period. */
export interface GroupSeries {
  group: string;
  /** Compliant instances as a percent of the group's instances; null: no row, or no instances that day. */
  compliance: (number | null)[];
  /** Instances missing critical patches; null: no row. */
  critical: (number | null)[];
  /** Instances missing important patches; null: no row. */
  important: (number | null)[];
}

/** Per group (in `groups`' order), its values on each day of `period`. */
export function groupSeries(rows: readonly GroupDay[], groups: readonly string[], period: ChartPeriod): GroupSeries[] {
  const byKey = new Map(rows.map((r) => [`${r.group}\u0000${r.day}`, r]));
  return groups.map((group) => {
    const days = period.days.map((d) => byKey.get(`${group}\u0000${d}`));
    return {
      group,
      compliance: days.map((r) => (r && r.instances > 0 ? (r.compliant / r.instances) * 100 : null)),
      critical: days.map((r) => r?.critical ?? null),
      important: days.map((r) => r?.important ?? null),
    };
  });
}

/** The last non-null value of a series, if any. */
export function lastValue(values: readonly (number | null)[]): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return undefined;
}

/** The first non-null value of a series, if any. */
export function firstValue(values: readonly (number | null)[]): number | undefined {
  return values.find((v): v is number => v !== null);
}
