/**
 * `/patch baseline <group>`: the baseline each scope and region uses for the group, its approval
 * rules as a sentence a person reads ("Security · Critical, Important · approved 7 days after
 * release · compliance CRITICAL"), and its explicit approved and rejected patches (capped).
 */
import type { ApprovalRule, PatchBaseline } from '../../patching/fleet-types';
import type { PatchGroup } from '../../config/schema';
import type { BaselineEntry } from '../../patching/group-reports';
import type { ScopeFailure } from '../../patching/record-schemas';
import { listWithMore } from '../limits';
import { bold, code, escapeText, formatCount, oneLine, plural, truncate } from '../mrkdwn';
import {
  blocks,
  detailThread,
  divider,
  failuresSection,
  footer,
  header,
  listSection,
  message,
  section,
  type Part,
} from './blocks';
import type { SlackMessage } from './message';

/** The entry this view renders, re-exported for callers that import views only. */
export type { BaselineEntry };

/** Distinct baselines shown in full; more would crowd the message (they are listed by name). */
const MAX_DETAILED = 3;

const values = (list: string[] | undefined): string | undefined =>
  list === undefined || list.length === 0
    ? undefined
    : list.includes('*')
      ? 'all'
      : list.map((v) => escapeText(oneLine(v))).join(', ');

/** One approval rule as a person reads it. */
export function ruleText(rule: ApprovalRule): string {
  const { CLASSIFICATION, SEVERITY, MSRC_SEVERITY, ...rest } = rule.filters;
  const others = Object.entries(rest).map(
    ([key, list]) => `${escapeText(key.toLowerCase().replace(/_/g, ' '))} ${values(list) ?? 'any'}`,
  );
  const days = rule.approveAfterDays;
  return [
    values(CLASSIFICATION) ?? 'all classifications',
    values(SEVERITY ?? MSRC_SEVERITY) ?? 'all severities',
    ...others,
    days !== undefined ? (days === 0 ? 'approved on release' : `approved ${plural(days, 'day')} after release`) : '',
    rule.approveUntilDate ? `approved if released by ${escapeText(rule.approveUntilDate)}` : '',
    rule.complianceLevel && rule.complianceLevel !== 'UNSPECIFIED'
      ? `compliance ${escapeText(rule.complianceLevel)}`
      : '',
    rule.enableNonSecurity ? 'non-security updates included' : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Baselines with the same content in several regions are shown once, with every place they apply. */
function distinct(entries: readonly BaselineEntry[]): Array<{ baseline: PatchBaseline; places: BaselineEntry[] }> {
  const groups = new Map<string, { baseline: PatchBaseline; places: BaselineEntry[] }>();
  for (const e of entries) {
    const { baselineId: _id, patchGroups: _groups, ...content } = e.baseline;
    const key = JSON.stringify(content);
    const found = groups.get(key);
    if (found) found.places.push(e);
    else groups.set(key, { baseline: e.baseline, places: [e] });
  }
  return [...groups.values()];
}

/** An inline, capped list of patch ids: "`KB1`, `KB2`, …and 40 more". */
function patchList(ids: readonly string[]): string {
  return listWithMore(ids.map(code), { maxChars: 600, maxLines: 25 }).text.replace(/\n/g, ', ');
}

/** The blocks for one distinct baseline. */
function baselineParts(b: PatchBaseline, places: readonly BaselineEntry[]): Part[] {
  const where = places.map(
    (p) =>
      `${escapeText(`${p.scope} · ${p.region}`)}${p.baseline.baselineId !== b.baselineId ? ` (${code(p.baseline.baselineId)})` : ''}`,
  );
  const description = b.description ? `\n${escapeText(truncate(oneLine(b.description), 300))}` : '';
  const rules = b.approvalRules.map((r, i) => `${i + 1}. ${ruleText(r)}`);
  const lists = [
    b.approvedPatches.length > 0
      ? `*Approved patches (${formatCount(b.approvedPatches.length)})*: ${patchList(b.approvedPatches)}`
      : '',
    b.rejectedPatches.length > 0
      ? `*Rejected patches (${formatCount(b.rejectedPatches.length)})*: ${patchList(b.rejectedPatches)}`
      : '',
  ].filter(Boolean);
  return [
    section(
      `${bold(b.name)} ${code(b.baselineId)} · ${escapeText(b.operatingSystem)}${description}\nUsed in ${listWithMore(where, { maxChars: 500, maxLines: 6 }).text.replace(/\n/g, ', ')}`,
    ),
    rules.length > 0
      ? listSection('*Approval rules*', rules, { maxChars: 1_500, maxLines: 10 })
      : section('_No approval rules: only the approved patches listed here are installed._'),
    section(lists.join('\n')),
  ];
}

/** The group's baselines across its scopes, with what could not be read. */
export function baselineView(
  group: Pick<PatchGroup, 'name' | 'operatingSystem'>,
  entries: readonly BaselineEntry[],
  failures: readonly ScopeFailure[],
): SlackMessage {
  const all = distinct(entries);
  const shown = all.slice(0, MAX_DETAILED);
  const rest = all
    .slice(MAX_DETAILED)
    .map(({ baseline: b, places }) => `• ${bold(b.name)} ${code(b.baselineId)} in ${plural(places.length, 'place')}`);
  const longLists = shown.filter(({ baseline: b }) => b.approvedPatches.length > 25 || b.rejectedPatches.length > 25);
  const thread = longLists.flatMap(({ baseline: b }) => [
    ...detailThread(`${b.name} · approved patches`, b.approvedPatches.map(code), { maxMessages: 2 }),
    ...detailThread(`${b.name} · rejected patches`, b.rejectedPatches.map(code), { maxMessages: 2 }),
  ]);
  const names = all.map((d) => d.baseline.name).join(', ');
  return message(
    escapeText(all.length > 0 ? `${group.name} patch baseline: ${names}` : `${group.name}: no patch baseline found`),
    blocks(
      header(`${group.name} patch baseline`),
      all.length === 0 && failures.length === 0
        ? section(`No baseline was found for ${bold(group.name)} (${escapeText(group.operatingSystem)}).`)
        : undefined,
      shown.map((d, i) => [i > 0 ? divider() : undefined, baselineParts(d.baseline, d.places)]),
      listSection(`*${plural(rest.length, 'more baseline')}*`, rest, { maxChars: 1_000, maxLines: 8 }),
      failuresSection(failures),
      footer(
        `${plural(all.length, 'baseline')} across ${plural(entries.length, 'scope and region', 'scopes and regions')}`,
      ),
    ),
    thread,
  );
}
