/** Patches as lines: worst first, severity and classification, the id in code, the title escaped. */
import type { MissingPatchSummary } from '../../patching/report-record';
import type { PlannedPatch } from '../../patching/plan-parts';
import { code, escapeText, oneLine, plural, truncate } from '../mrkdwn';

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

/** A patch an install will apply. */
export function plannedPatchLine(p: PlannedPatch): string {
  return patchText(p, p.instances);
}
