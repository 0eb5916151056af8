/**
 * The patch SLA check (issue 18): from each group's latest day of the compliance history, the
 * instances whose Critical (or Important) patches have been missing for longer than the group's
 * SLA, with for how long. "Missing since" is patchbot's own record (the first day of the current
 * run of days the history saw it missing one), not SSM's, which keeps no such date. Days are
 * counted up to the latest recorded day, so a stopped bot does not make instances look older.
 */
import type { Sla } from '../config/history-schema';
import { daysBetween } from '../shared/utc-day';
import type { InstanceDay, InstanceHistoryReader } from './ports';

const DAY_MS = 86_400_000;

/** One instance past its SLA for one severity. */
export interface SlaBreach {
  instanceId: string;
  name: string | undefined;
  scope: string;
  region: string;
  severity: 'Critical' | 'Important';
  /** The first day (UTC, `YYYY-MM-DD`) of the run of days it has been missing such a patch. */
  since: string;
  /** Days missing, up to the history's latest day. */
  days: number;
  /** The SLA it is past, in days. */
  slaDays: number;
}

/** A group's SLA check: its breaches, most overdue first (Critical before Important on ties). */
export interface SlaReport {
  group: string;
  /** The history day the check read; undefined when the group has no history yet, or no instance misses a Critical or Important patch. */
  day: string | undefined;
  slaDays: { critical: number; important: number };
  breaches: SlaBreach[];
}

/** The breaches among one group's instance rows of one day. */
export function slaBreaches(rows: readonly InstanceDay[], sla: Sla): SlaBreach[] {
  const limits = { Critical: sla.criticalMs / DAY_MS, Important: sla.importantMs / DAY_MS } as const;
  const out: SlaBreach[] = [];
  for (const r of rows) {
    for (const [severity, since] of [
      ['Critical', r.criticalSince],
      ['Important', r.importantSince],
    ] as const) {
      if (since === null) continue;
      const days = daysBetween(since, r.day);
      if (days <= limits[severity]) continue;
      out.push({
        instanceId: r.instanceId,
        name: r.name ?? undefined,
        scope: r.scope,
        region: r.region,
        severity,
        since,
        days,
        slaDays: limits[severity],
      });
    }
  }
  return out.sort(
    (a, b) =>
      b.days - b.slaDays - (a.days - a.slaDays) ||
      (a.severity === b.severity ? 0 : a.severity === 'Critical' ? -1 : 1) ||
      (a.name ?? a.instanceId).localeCompare(b.name ?? b.instanceId),
  );
}

/** The SLA check of one group, read from the store's history (no AWS call). */
export async function checkSla(history: InstanceHistoryReader, group: { name: string; sla: Sla }): Promise<SlaReport> {
  const rows = await history.latestMissingSince([group.name]);
  return {
    group: group.name,
    day: rows[0]?.day,
    slaDays: { critical: group.sla.criticalMs / DAY_MS, important: group.sla.importantMs / DAY_MS },
    breaches: slaBreaches(rows, group.sla),
  };
}
