/**
 * The patch SLA in `/patch status` and the daily digest: instances whose Critical or Important
 * patches have been missing longer than the group's SLA (from patchbot's compliance history), most
 * overdue first, capped with "…and N more". A section of its own, so other sections merge beside it.
 */
import type { SlaBreach, SlaReport } from '../../patching/sla';
import { code, escapeText, formatCount, plural } from '../mrkdwn';
import { SHORT, instanceLabel, listSection, spansScopes } from './blocks';
import type { BlockBuilder } from 'slack-block-builder';

/** "• *web-3* `i-0…` — Critical missing 8 days (since 2026-02-21, SLA 7 days)". */
export function slaLine(b: SlaBreach, withScope: boolean): string {
  return `• ${instanceLabel(b, withScope)} — ${b.severity} missing ${plural(b.days, 'day')} (since ${escapeText(b.since)}, SLA ${plural(b.slaDays, 'day')})`;
}

/** The status section: nothing when no instance is past the SLA. */
export function slaStatusSection(report: SlaReport | undefined): BlockBuilder | undefined {
  if (!report || report.breaches.length === 0) return undefined;
  const multi = spansScopes(report.breaches);
  const instances = new Set(report.breaches.map((b) => `${b.scope}/${b.region}/${b.instanceId}`)).size;
  return listSection(
    `⏰ *Past the patch SLA (${plural(instances, 'instance')})* — Critical within ${plural(report.slaDays.critical, 'day')}, Important within ${plural(report.slaDays.important, 'day')}, by patchbot's compliance history:`,
    report.breaches.map((b) => slaLine(b, multi)),
    SHORT,
  );
}

/** The digest's line for a group: "⏰ Past the patch SLA: 2 instances (web-3 Critical 8 days, …)", or nothing. */
export function slaDigestText(sla: { instances: number; total: number; breaches: SlaBreach[] } | undefined): string {
  if (!sla || sla.total === 0) return '';
  const named = sla.breaches
    .slice(0, 3)
    .map((b) => `${b.name ? escapeText(b.name) : code(b.instanceId)} ${b.severity} ${plural(b.days, 'day')}`);
  const rest = sla.total - named.length;
  return `⏰ Past the patch SLA: ${plural(sla.instances, 'instance')} (${named.join(', ')}${rest > 0 ? `, …and ${formatCount(rest)} more` : ''})`;
}
