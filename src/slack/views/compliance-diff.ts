/**
 * The compliance poller's message: what changed in a group since the previous poll. A summary line
 * first ("2 instances became non-compliant (1 critical patch newly missing) · 1 became compliant"),
 * then one capped section per kind of change; full lists go to the thread. Newly missing patches
 * sit under each instance, or are grouped by patch when instances share them.
 */
import type { InstanceLine } from '../../patching/record-schemas';
import { listWithMore, type ListOptions } from '../limits';
import { escapeText, formatCount, formatTime, oneLine, plural, truncate } from '../mrkdwn';
import {
  blocks,
  detailThread,
  failuresSection,
  footer,
  header,
  instanceLabel,
  listSection,
  message,
  moreInThread,
  section,
  spansScopes,
} from './blocks';
import { severityRank } from './patches';
import type { ComplianceDiff, NewlyMissingPatch } from './poll-types';
import type { SlackMessage } from './message';

export type { ComplianceDiff };

/** The main list (non-compliant instances, or the patches) gets the most room. */
const MAIN: ListOptions = { maxChars: 1_500, maxLines: 12 };
/** Each secondary list: five of them, plus failures, stay well inside the text budget. */
const MINOR: ListOptions = { maxChars: 800, maxLines: 6 };
/** Per-instance patch lists are shown up to this many instances; past it, patches are grouped. */
const PER_INSTANCE_MAX = 5;
/** Patches named on one instance line. */
const PATCHES_PER_LINE = 4;

const CONSOLE_HINT = 'Patch Manager → Compliance reporting in the SSM console lists them all.';

type Changed = ComplianceDiff['becameNonCompliant'][number];

const patchKey = (p: NewlyMissingPatch) => `${p.severity}\u0000${p.classification}\u0000${p.title}`;
const isCritical = (p: NewlyMissingPatch) => p.severity.toLowerCase() === 'critical';

/** Distinct newly missing patches with the instances that miss each, worst first. */
function byPatch(changed: readonly Changed[]): Array<{ patch: NewlyMissingPatch; instances: Changed[] }> {
  const map = new Map<string, { patch: NewlyMissingPatch; instances: Changed[] }>();
  for (const i of changed) {
    for (const p of i.newlyMissing) {
      const key = patchKey(p);
      const found = map.get(key);
      if (found) {
        if (found.instances[found.instances.length - 1] !== i) found.instances.push(i);
      } else map.set(key, { patch: p, instances: [i] });
    }
  }
  return [...map.values()].sort(
    (a, b) =>
      severityRank(a.patch.severity) - severityRank(b.patch.severity) || b.instances.length - a.instances.length,
  );
}

/** "Critical · Security" (Unspecified left out), escaped. */
function patchLabel(p: NewlyMissingPatch): string {
  return [p.severity, p.classification]
    .filter((x) => x && x !== 'Unspecified')
    .map((x) => escapeText(oneLine(x)))
    .join(' · ');
}

const patchTitle = (p: NewlyMissingPatch, max = 100) => escapeText(truncate(oneLine(p.title), max));

/** "Critical: openssl CVE-…, kernel … · Important: …", worst severity first, capped. */
function patchesBySeverity(patches: readonly NewlyMissingPatch[]): string {
  const sorted = [...patches].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  const shown = sorted.slice(0, PATCHES_PER_LINE);
  const groups = new Map<string, string[]>();
  for (const p of shown) {
    const sev = escapeText(oneLine(p.severity)) || 'Unspecified';
    groups.set(sev, [...(groups.get(sev) ?? []), patchTitle(p, 80)]);
  }
  const text = [...groups.entries()].map(([sev, titles]) => `${sev}: ${titles.join(', ')}`).join(' · ');
  const rest = sorted.length - shown.length;
  return rest > 0 ? `${text} · …and ${plural(rest, 'more patch', 'more patches')}` : text;
}

/** A non-compliant instance with the patches it newly misses, on an indented line under it. */
function instanceWithPatches(i: Changed, withScope: boolean): string {
  const patches = i.newlyMissing.length > 0 ? `\n    ↳ ${patchesBySeverity(i.newlyMissing)}` : '';
  return `• ${instanceLabel(i, withScope)}${patches}`;
}

/** A patch with how many instances newly miss it and the first few names. */
function patchLine(entry: { patch: NewlyMissingPatch; instances: Changed[] }, names: number): string {
  const label = patchLabel(entry.patch);
  const who =
    names > 0
      ? `: ${entry.instances
          .slice(0, names)
          .map((i) => escapeText(truncate(oneLine(i.name ?? i.instanceId), 60)))
          .join(', ')}${entry.instances.length > names ? ', …' : ''}`
      : '';
  return `• ${label ? `${label} · ` : ''}${patchTitle(entry.patch)} — ${plural(entry.instances.length, 'instance')}${who}`;
}

/** The summary line a person reads first (and the notification text). */
function summary(d: ComplianceDiff, patches: ReturnType<typeof byPatch>): string {
  const critical = patches.filter((p) => isCritical(p.patch)).length;
  const newly =
    critical > 0
      ? ` (${plural(critical, 'critical patch', 'critical patches')} newly missing)`
      : patches.length > 0
        ? ` (${plural(patches.length, 'patch', 'patches')} newly missing)`
        : '';
  const parts = [
    d.becameNonCompliant.length > 0
      ? `${plural(d.becameNonCompliant.length, 'instance')} became non-compliant${newly}`
      : '',
    d.becameCompliant.length > 0 ? `${formatCount(d.becameCompliant.length)} became compliant` : '',
    d.becameUnreachable.length > 0 ? `${plural(d.becameUnreachable.length, 'agent')} unreachable` : '',
    d.lastOperationFailed.length > 0
      ? `${formatCount(d.lastOperationFailed.length)} failed their last patch operation`
      : '',
    d.appeared.length > 0 ? `${formatCount(d.appeared.length)} appeared` : '',
    d.disappeared.length > 0 ? `${formatCount(d.disappeared.length)} disappeared` : '',
  ].filter(Boolean);
  if (parts.length > 0) return parts.join(' · ');
  return d.failures.length > 0 ? `${plural(d.failures.length, 'scope')} could not be read` : 'No changes';
}

/** Whether the patches read better grouped by patch than under each instance. */
function groupByPatch(changed: readonly Changed[], patches: ReturnType<typeof byPatch>): boolean {
  if (changed.length > PER_INSTANCE_MAX) return true;
  const mentions = changed.reduce((n, i) => n + i.newlyMissing.length, 0);
  return changed.length > 1 && patches.length < mentions;
}

/** The compliance poller's message for one group; `now` is when the poll ran. */
export function complianceDiffView(d: ComplianceDiff, now: Date): SlackMessage {
  const all: InstanceLine[] = [
    ...d.becameNonCompliant,
    ...d.becameCompliant,
    ...d.appeared,
    ...d.disappeared,
    ...d.becameUnreachable,
    ...d.lastOperationFailed,
  ];
  const multi = spansScopes(all);
  const patches = byPatch(d.becameNonCompliant);
  const grouped = groupByPatch(d.becameNonCompliant, patches);
  const line = summary(d, patches);
  const plain = (list: readonly InstanceLine[]) => list.map((i) => `• ${instanceLabel(i, multi)}`);

  const nonCompliant = d.becameNonCompliant.map((i) =>
    grouped ? `• ${instanceLabel(i, multi)}` : instanceWithPatches(i, multi),
  );
  const patchLines = patches.map((p) => patchLine(p, 3));
  const lists: Array<{ title: string; threadTitle: string; lines: string[]; options: ListOptions; full?: string[] }> = [
    {
      title: `*🔴 Became non-compliant (${formatCount(nonCompliant.length)})*`,
      threadTitle: 'became non-compliant',
      lines: nonCompliant,
      options: MAIN,
      full: d.becameNonCompliant.map((i) => instanceWithPatches(i, multi)),
    },
    ...(grouped
      ? [
          {
            title: `*🆕 Newly missing patches (${formatCount(patchLines.length)})*, worst first`,
            threadTitle: 'newly missing patches',
            lines: patchLines,
            options: MAIN,
            full: patches.map((p) => patchLine(p, 10)),
          },
        ]
      : []),
    {
      title: `*📡 Agent unreachable (${formatCount(d.becameUnreachable.length)})* — SSM cannot scan or patch these:`,
      threadTitle: 'agent unreachable',
      lines: plain(d.becameUnreachable),
      options: MINOR,
    },
    {
      title: `*❌ Last patch operation failed (${formatCount(d.lastOperationFailed.length)})*`,
      threadTitle: 'last patch operation failed',
      lines: plain(d.lastOperationFailed),
      options: MINOR,
    },
    {
      title: `*✅ Became compliant (${formatCount(d.becameCompliant.length)})*`,
      threadTitle: 'became compliant',
      lines: plain(d.becameCompliant),
      options: MINOR,
    },
    {
      title: `*➕ Appeared (${formatCount(d.appeared.length)})* — new in the group:`,
      threadTitle: 'appeared',
      lines: plain(d.appeared),
      options: MINOR,
    },
    {
      title: `*➖ Disappeared (${formatCount(d.disappeared.length)})* — no longer in the group (terminated or re-tagged):`,
      threadTitle: 'disappeared',
      lines: plain(d.disappeared),
      options: MINOR,
    },
  ];
  const capped = lists.filter((l) => listWithMore(l.lines, l.options).hidden > 0);
  const thread = capped.flatMap((l) =>
    detailThread(`${d.group} · ${l.threadTitle}`, l.full ?? l.lines, {
      maxMessages: l.options === MAIN ? 4 : 2,
      hint: CONSOLE_HINT,
    }),
  );

  return message(
    `${escapeText(d.group)} compliance changed: ${line}`,
    blocks(
      header(`${d.group} compliance changed`),
      section(`*${line}*`),
      lists.map((l) => listSection(l.title, l.lines, l.options, moreInThread)),
      failuresSection(d.failures),
      footer(`Changes since the previous poll · ${formatTime(now)}`),
    ),
    thread,
  );
}
