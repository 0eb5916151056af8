/**
 * What a change will do, as the approval card shows it before anything runs: the targets and the
 * excluded instances by name, the patches worst first, how old the scan behind them is, reboot,
 * concurrency, the promotion evidence and the scopes that could not be read. Long lists (and a
 * patch's CVE ids past the first few) are capped here and posted in full as thread replies.
 */
import { otherSpellingFix, otherSpellingSummary } from '../../patching/tag-spelling';
import type { ChangePlan } from '../../patching/plan-record';
import type { PromotionEvidence } from '../../patching/plan-parts';
import { listWithMore, type ListOptions } from '../limits';
import { bold, code, escapeText, formatAge, formatCount, formatDuration, oneLine, plural, truncate } from '../mrkdwn';
import {
  GLANCE,
  SHORT,
  detailThread,
  type DetailOptions,
  failuresSection,
  fieldSections,
  footer,
  instanceLabel,
  listSection,
  moreInThread,
  section,
  spansScopes,
  type Part,
} from './blocks';
import { cveIdsCapped, plannedPatchLine, worstFirst } from './patches';
import { pinnedSection } from './pinned';
import { countByScope, scopeSpread, scopeSummary } from './scope-summary';
import type { SlackMessage } from './message';

/** Targets are a glance: names a reader recognises, the full list in the thread. */
const TARGETS: ListOptions = { maxChars: 1_200, maxLines: 10 };

const REBOOT_WORDS: Record<ChangePlan['rebootOption'], string> = {
  RebootIfNeeded: 'Reboot if needed',
  NoReboot: 'No reboot: patches wait as pending reboot',
};

/** The change in one sentence, for the card, the confirm dialog and the notification: "Install 12 patches on 8 PRD instances, no reboot". */
export function changeSummary(plan: ChangePlan): string {
  const on = `${formatCount(plan.targets.length)} ${escapeText(plan.group)} ${plan.targets.length === 1 ? 'instance' : 'instances'}`;
  if (plan.kind === 'reboot') return `Reboot ${on}`;
  const what =
    plan.scan.newest === undefined && plan.patches.length === 0
      ? 'missing patches'
      : plural(plan.patches.length, 'patch', 'patches');
  return `Install ${what} on ${on}, ${plan.rebootOption === 'NoReboot' ? 'no reboot' : 'rebooting if needed'}`;
}

/** Whether the card should offer "Scan first": the scan behind the plan is old or missing. */
export function needsScan(plan: ChangePlan): boolean {
  return plan.scan.stale || plan.scan.newest === undefined;
}

function scanLine(plan: ChangePlan, now: Date): string {
  const limit = `limit ${formatDuration(plan.scan.maxAgeMs)}`;
  return plan.scan.newest
    ? `${formatAge(now.getTime() - plan.scan.newest.getTime())} · ${limit}`
    : `never scanned · ${limit}`;
}

function scanWarning(plan: ChangePlan, now: Date): string {
  const g = bold(plan.group);
  if (plan.scan.newest === undefined)
    return `⚠️ ${g} was never scanned, so nobody can see what this change would install. Scan first.`;
  if (!plan.scan.stale) return '';
  const age = formatDuration(now.getTime() - plan.scan.newest.getTime());
  return `⚠️ The latest scan is ${age} old (limit ${formatDuration(plan.scan.maxAgeMs)}): the plan may be out of date.`;
}

/** "STG: last install `op-1` succeeded 5d ago, compliant now ✅", or the same with ⚠️ and the warning. */
export function promotionText(p: PromotionEvidence, now: Date): string {
  const last = p.lastInstall;
  const when = last?.finishedAt ? ` ${formatAge(now.getTime() - last.finishedAt.getTime())}` : '';
  const install = last
    ? `last install ${code(last.operationId)} ${last.status === 'succeeded' || last.status === 'failed' ? last.status : `is ${last.status}`}${when}`
    : 'no install through patchbot yet';
  const compliance =
    p.compliantNow === undefined
      ? 'compliance unknown'
      : p.compliantNow
        ? 'compliant now ✅'
        : `not compliant now (${plural(p.nonCompliantInstances, 'instance')} non-compliant)`;
  // The warning says the same facts again in other words, so the card shows them once, flagged.
  return `*Promotion evidence*\n${p.warning ? '⚠️ ' : ''}${bold(p.fromGroup)}: ${install}, ${compliance}`;
}

/** "⚠ 1 instance is tagged PatchGroup=PRD and is not part of this group — …": SSM counts it, this change does not reach it. */
function otherSpellingSection(plan: ChangePlan): Part {
  const other = plan.otherSpelling;
  const summary = other ? otherSpellingSummary(other) : undefined;
  if (!other || !summary) return undefined;
  const lines = other.instances.map((i) => `• ${instanceLabel(i, spansScopes(other.instances))}`);
  return listSection(
    `⚠ *${escapeText(summary)}* — ${escapeText(otherSpellingFix(other))}:`,
    lines,
    SHORT,
    moreInThread,
  );
}

/** The baseline(s) the plan rests on, by name; checked again right before the send. */
function baselineText(plan: ChangePlan): string {
  const names = [...new Set((plan.baselines ?? []).map((b) => b.name))];
  if (names.length === 0) return '';
  return `${names.map((n) => escapeText(truncate(oneLine(n), 80))).join(', ')}`;
}

/** How MaxConcurrency and MaxErrors apply, in words. */
function rateText(plan: ChangePlan): string {
  if (plan.kind === 'reboot') return `follow-up scan ${code(plan.maxConcurrency)} at a time`;
  return `${code(plan.maxConcurrency)} at a time · stops after ${code(plan.maxErrors)} ${plan.maxErrors === '1' ? 'error' : 'errors'}`;
}

/** What exactly is sent, so an approver knows nothing else is reached. */
function sendNote(plan: ChangePlan): string {
  if (plan.kind === 'reboot') {
    return 'Only the instances listed are rebooted (EC2 RebootInstances by id). Right before it runs, patchbot checks again that each is still running in the group; if not, nothing is rebooted.';
  }
  return `Sent to exactly the targets listed (patchbot tags them ${code('patchbot-operation')} and sends one command per account and region to that tag, so the rate and error limit apply to the whole change there). Right before sending, patchbot checks the targets and the baseline again: if anything above is no longer true, nothing is sent. Instances tagged or brought online later are not included.`;
}

const targetLines = (plan: ChangePlan) => plan.targets.map((i) => `• ${instanceLabel(i, spansScopes(plan.targets))}`);
const excludedLines = (plan: ChangePlan) =>
  plan.excluded.map(
    (i) => `• ${instanceLabel(i, spansScopes(plan.excluded))} — ${escapeText(truncate(oneLine(i.reason), 200))}`,
  );
const patchLines = (plan: ChangePlan, full = false) =>
  worstFirst(plan.patches, (p) => p.instances).map((p) => plannedPatchLine(p, full));
const capped = (lines: string[], o: ListOptions) => listWithMore(lines, o).hidden > 0;

/** The plan's sections for the pending card. */
export function planSections(plan: ChangePlan, now: Date, operationId?: string): Part[] {
  const noun = plan.kind === 'reboot' ? 'Instances to reboot' : 'Targets';
  const patches = patchLines(plan);
  const noPatches =
    plan.scan.newest === undefined ? '' : '*Patches to install*: none missing according to the latest scan.';
  const where = countByScope(plan.targets);
  return [
    plan.retryOf
      ? section(`🔁 Retry of the failed instances of ${code(plan.retryOf)}: exactly those, nothing else.`)
      : undefined,
    listSection(`*${noun} (${formatCount(plan.targets.length)})*`, targetLines(plan), TARGETS, moreInThread) ??
      section(`*${noun}*: none.`),
    scopeSpread(where) ? footer(`${noun}: ${escapeText(scopeSummary(plan.group, where))}`) : undefined,
    listSection(`*Excluded (${formatCount(plan.excluded.length)})*`, excludedLines(plan), SHORT, moreInThread),
    plan.kind === 'install'
      ? (listSection(
          `*Patches to install (${formatCount(patches.length)})*, worst first`,
          patches,
          GLANCE,
          moreInThread,
        ) ?? section(noPatches))
      : undefined,
    plan.pinned ? pinnedSection(plan.pinned, operationId) : undefined,
    section(scanWarning(plan, now)),
    fieldSections([
      ['Latest scan', scanLine(plan, now)],
      ...(plan.kind === 'install' ? ([['Reboot', REBOOT_WORDS[plan.rebootOption]]] as Array<[string, string]>) : []),
      ...(baselineText(plan) ? ([['Baseline', baselineText(plan)]] as Array<[string, string]>) : []),
      ['Rate', rateText(plan)],
    ]),
    footer(sendNote(plan)),
    plan.promotion ? section(promotionText(plan.promotion, now)) : undefined,
    otherSpellingSection(plan),
    failuresSection(plan.failures),
  ];
}

/** The full lists the card caps, as thread replies: the patches in full (what approvers weigh), the targets as far as a person reads. */
export function planThread(plan: ChangePlan): SlackMessage[] {
  const fleet = {
    maxMessages: 2,
    hint: `Fleet Manager in the SSM console lists every instance tagged ${escapeText(plan.group)}.`,
  };
  const lists: Array<[title: string, lines: string[], options: ListOptions, detail: DetailOptions]> = [
    [
      `${plan.group} · ${plan.kind === 'reboot' ? 'instances to reboot' : 'targets'}`,
      targetLines(plan),
      TARGETS,
      fleet,
    ],
    [`${plan.group} · excluded instances`, excludedLines(plan), SHORT, { ...fleet, maxMessages: 1 }],
  ];
  const threads = lists.flatMap(([title, lines, options, detail]) =>
    capped(lines, options) ? detailThread(title, lines, detail) : [],
  );
  if (plan.kind !== 'install') return threads;
  // The patches go to the thread when the card cut the list or any patch's CVE ids; there with every id.
  const patches = detailThread(`${plan.group} · patches to install, worst first`, patchLines(plan, true), {
    hint: 'Patch Manager → Compliance reporting in the SSM console lists every missing patch.',
  });
  return capped(patchLines(plan), GLANCE) || plan.patches.some(cveIdsCapped) ? [...threads, ...patches] : threads;
}
