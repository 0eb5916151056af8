/** Patches as lines: worst first, severity and classification, the id in code, the title escaped, and a planned patch's CVE ids. */
import type { MissingPatchSummary } from '../../patching/report-record';
import type { PlannedPatch } from '../../patching/plan-parts';
import { code, escapeText, formatCount, oneLine, plural, truncate } from '../mrkdwn';

/** Severity rank for sorting patches worst first; unknown severities sort last. */
const SEVERITY_RANK = ['critical', 'important', 'high', 'medium', 'moderate', 'low'];

export function severityRank(severity: string): number {
  const i = SEVERITY_RANK.indexOf(severity.toLowerCase());
  return i < 0 ? SEVERITY_RANK.length : i;
}

/** A copy sorted worst first: by severity, then by how many instances it concerns. */
export function worstFirst<T extends { severity: string }>(patches: readonly T[], instances: (p: T) => number): T[] {
  return [...patches].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || instances(b) - instances(a),
  );
}

/** "Critical · Security · `KB1` Title — 3 instances", the start of every patch line. */
function patchText(
  p: { severity: string; classification: string; kbId: string; title: string },
  instances: number,
): string {
  const label = [p.severity, p.classification]
    .filter((x) => x && x !== 'Unspecified')
    .map((x) => escapeText(oneLine(x)))
    .join(' · ');
  return `• ${label ? `${label} · ` : ''}${code(p.kbId)} ${escapeText(truncate(oneLine(p.title), 120))} — ${plural(instances, 'instance')}`;
}

/** A missing patch, with the first `names` instances that miss it. */
export function missingPatchLine(p: MissingPatchSummary, names: number): string {
  const who =
    names > 0
      ? `: ${p.instances
          .slice(0, names)
          .map((i) => escapeText(oneLine(i.name ?? i.instanceId)))
          .join(', ')}${p.instances.length > names ? ', …' : ''}`
      : '';
  return `${patchText(p, p.instances.length)}${who}`;
}

/** CVE ids a card line shows per patch before "+N": a glance; the plan thread lists them all. */
export const CARD_CVE_IDS = 3;

/** Room for one patch's CVE ids in a thread line (about 150 ids), inside a thread section's ~2,900 characters. */
const THREAD_CVE_CHARS = 2_400;

/** One CVE id as SSM gave it, escaped and kept short (it comes from AWS). */
const cveId = (id: string) => escapeText(truncate(oneLine(id), 40));

/** "CVE-1, CVE-2, CVE-3 +2": as many ids as `max` and `maxChars` allow, then how many are left out. */
export function cveText(ids: readonly string[], max: number, maxChars: number): string {
  const shown: string[] = [];
  let used = 0;
  for (const id of ids.slice(0, max)) {
    const text = cveId(id);
    if (used + text.length + 2 > maxChars) break;
    shown.push(text);
    used += text.length + 2;
  }
  const hidden = ids.length - shown.length;
  return `${shown.join(', ')}${hidden > 0 ? ` +${formatCount(hidden)}` : ''}`;
}

/** Whether the card's line leaves out some of a patch's CVE ids (then the thread lists them). */
export function cveIdsCapped(p: PlannedPatch): boolean {
  return (p.cveIds?.length ?? 0) > CARD_CVE_IDS;
}

/** A patch an install will apply, with its first CVE ids (`full`: every id, on a line of its own, for the thread). */
export function plannedPatchLine(p: PlannedPatch, full = false): string {
  const ids = p.cveIds ?? [];
  if (ids.length === 0) return patchText(p, p.instances);
  if (full) return `${patchText(p, p.instances)}\n    ↳ ${cveText(ids, ids.length, THREAD_CVE_CHARS)}`;
  return `${patchText(p, p.instances)} · ${cveText(ids, CARD_CVE_IDS, 400)}`;
}
