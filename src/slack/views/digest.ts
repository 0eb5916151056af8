/**
 * The daily digest of one channel's groups: per group one compact section (compliance rate with
 * counts, the change since the last digest, missing patches by severity, the most-missed patches,
 * window runs, pending approvals, stale scans and unreachable agents). When the groups' sections
 * would crowd the message, each group shrinks to one line and the full sections go to the thread,
 * so the message fits Slack's limits for any number of groups and any fleet size.
 */
import { MESSAGE_TEXT_BUDGET, listWithMore } from '../limits';
import {
  bold,
  channelLink,
  code,
  escapeText,
  formatAge,
  formatCount,
  formatTime,
  mention,
  oneLine,
  plural,
  truncate,
} from '../mrkdwn';
import { blocks, detailThread, failuresSection, footer, header, message, section, severityText } from './blocks';
import type { DigestData, DigestGroup } from './poll-types';
import { scopeSpread } from './scope-summary';
import type { SlackMessage } from './message';
import { EXECUTION_EMOJI } from './windows';
import { unmanagedDigestShort, unmanagedDigestText } from './unmanaged';

export type { DigestData, DigestGroup };

/** Sections in full mode: one per group, plus header, summary, failures and footer, under 50 blocks. */
const MAX_FULL_GROUPS = 12;
/** Text the group sections may use in full mode; the rest of the budget is for failures and the frame. */
const FULL_BUDGET = MESSAGE_TEXT_BUDGET - 2_500;
/** A group's full section, capped (a thread chunk holds at least one). */
const GROUP_MAX = 1_800;
/** Compact lines per section in compact mode. */
const COMPACT_PER_SECTION = 15;

const inline = (items: string[], maxChars: number, maxLines: number) =>
  listWithMore(items, { maxChars, maxLines }).text.replace(/\n/g, ' · ');

/** The rate as a percent with one decimal, floored: 9,999 of 10,000 reads "99.9%", never a "100.0%" it has not reached. */
export function percent(rate: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(rate) ? rate : 0));
  return `${(Math.floor(clamped * 1_000) / 10).toFixed(1)}%`;
}

/** "92.0% compliant (92 of 100)" or "no instances". */
function rateText(g: DigestGroup): string {
  return g.instances === 0
    ? 'no instances'
    : `${percent(g.rate)} compliant (${formatCount(g.compliant)} of ${formatCount(g.instances)})`;
}

/** " · 1,204 instances in 2 accounts, 3 regions" (compact: " · in 2 accounts, 3 regions") when the group spans several scopes or regions, else nothing. */
function spreadText(g: DigestGroup, compact = false): string {
  const spread = scopeSpread(g.scopes ?? []);
  if (!spread) return '';
  return compact ? ` · ${escapeText(spread)}` : ` · ${plural(g.instances, 'instance')} ${escapeText(spread)}`;
}

const signed = (n: number, what: string) => `${n > 0 ? '▲' : '▼'} ${formatCount(Math.abs(n))} ${what}`;

/** "▲ 3 compliant · ▼ 3 non-compliant since the last digest", "no change since …", or nothing on a first digest. */
function changeText(g: DigestGroup): string | undefined {
  const c = g.changeSinceLast;
  if (!c) return undefined;
  const parts = [
    c.compliantDelta !== 0 ? signed(c.compliantDelta, 'compliant') : '',
    c.nonCompliantDelta !== 0 ? signed(c.nonCompliantDelta, 'non-compliant') : '',
  ].filter(Boolean);
  return parts.length > 0 ? `${parts.join(' · ')} since the last digest` : 'no change since the last digest';
}

/** Compact change: "▲3" (compliant), else "▼2 non-compliant"; arrows follow the sign, as in the full text. */
function changeShort(g: DigestGroup): string {
  const c = g.changeSinceLast;
  if (!c || (c.compliantDelta === 0 && c.nonCompliantDelta === 0)) return '';
  return c.compliantDelta !== 0
    ? ` ${c.compliantDelta > 0 ? '▲' : '▼'}${formatCount(Math.abs(c.compliantDelta))}`
    : ` ${c.nonCompliantDelta > 0 ? '▲' : '▼'}${formatCount(Math.abs(c.nonCompliantDelta))} non-compliant`;
}

function healthText(g: DigestGroup): string {
  const parts = [
    g.staleScans > 0 ? `⚠ ${plural(g.staleScans, 'stale scan')}` : '',
    g.unreachable > 0 ? `📡 ${plural(g.unreachable, 'unreachable agent')}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'Scans fresh · agents reachable';
}

/** A group's full section: a few short lines, each capped. */
function groupText(g: DigestGroup, now: Date): string {
  const missed = g.mostMissed
    .slice(0, 3)
    .map(
      (p) =>
        `${escapeText(oneLine(p.severity))} ${escapeText(truncate(oneLine(p.title), 70))} (${formatCount(p.instances)})`,
    );
  const runs = g.windowRuns.map(
    (w) =>
      `${EXECUTION_EMOJI[w.status] ?? '•'} ${escapeText(truncate(oneLine(w.windowName), 60))} ${escapeText(oneLine(w.status))}${w.endTime ? ` ${formatAge(now.getTime() - w.endTime.getTime())}` : ''}`,
  );
  const approvals = g.pendingApprovals.map(
    (a) =>
      `${code(a.operationId)} ${escapeText(oneLine(a.kind))} by ${mention(a.requestedBy)}${a.expiresAt ? ` (expires ${formatAge(now.getTime() - a.expiresAt.getTime())})` : ''}`,
  );
  const change = changeText(g);
  return truncate(
    [
      `${bold(g.group)} · ${rateText(g)}${change ? ` · ${change}` : ''}${spreadText(g)}`,
      `Missing: ${severityText(g.missingBySeverity)}`,
      missed.length > 0 ? `Most missed: ${missed.join(' · ')}` : '',
      `Window runs: ${runs.length > 0 ? inline(runs, 400, 4) : '_none since the last digest_'}`,
      approvals.length > 0 ? `⏳ Pending approval: ${inline(approvals, 400, 3)}` : '',
      healthText(g),
      unmanagedDigestText(g.unmanaged),
    ]
      .filter(Boolean)
      .join('\n'),
    GROUP_MAX,
  );
}

/** A group as one line for the compact mode: "*PRD* 92.0% (92/100) ▲3 · Critical 2 · ⏳ 1 · ⚠ 3 stale · 📡 1". */
function groupLine(g: DigestGroup): string {
  const failedRuns = g.windowRuns.filter((w) => w.status !== 'SUCCESS').length;
  const parts = [
    `${bold(truncate(g.group, 60))} ${g.instances === 0 ? 'no instances' : `${percent(g.rate)} (${formatCount(g.compliant)}/${formatCount(g.instances)})`}${changeShort(g)}${spreadText(g, true)}`,
    g.missingBySeverity.critical > 0 ? `critical ${formatCount(g.missingBySeverity.critical)}` : '',
    failedRuns > 0 ? `❌ ${plural(failedRuns, 'window run')} not successful` : '',
    g.pendingApprovals.length > 0 ? `⏳ ${formatCount(g.pendingApprovals.length)} pending` : '',
    g.staleScans > 0 ? `⚠ ${formatCount(g.staleScans)} stale` : '',
    g.unreachable > 0 ? `📡 ${formatCount(g.unreachable)} unreachable` : '',
    unmanagedDigestShort(g.unmanaged),
  ].filter(Boolean);
  return `• ${parts.join(' · ')}`;
}

/** The daily digest for `data.channel`; `now` makes ages ("ended 3h ago") testable. */
export function digestView(data: DigestData, now: Date): SlackMessage {
  const instances = data.groups.reduce((n, g) => n + g.instances, 0);
  const compliant = data.groups.reduce((n, g) => n + g.compliant, 0);
  const pending = data.groups.reduce((n, g) => n + g.pendingApprovals.length, 0);
  const overall =
    instances > 0
      ? `${percent(compliant / instances)} compliant (${formatCount(compliant)} of ${plural(instances, 'instance')})`
      : 'no instances';
  const head = [
    plural(data.groups.length, 'group'),
    overall,
    pending > 0 ? `${plural(pending, 'pending approval')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');

  const full = data.groups.map((g) => groupText(g, now));
  const fits = data.groups.length <= MAX_FULL_GROUPS && full.reduce((n, t) => n + t.length, 0) <= FULL_BUDGET;
  const compact = fits ? [] : data.groups.map(groupLine);
  const compactSections: string[] = [];
  for (let i = 0; i < compact.length; i += COMPACT_PER_SECTION)
    compactSections.push(compact.slice(i, i + COMPACT_PER_SECTION).join('\n'));

  return message(
    `Daily patch digest: ${head}`,
    blocks(
      header('Daily patch digest'),
      section(`*${head}*${data.groups.length === 0 ? '\n_No groups post to this channel._' : ''}`),
      fits ? full.map((t) => section(t)) : compactSections.map((t) => section(t)),
      fits ? undefined : section('_Each group in full is in the thread._'),
      failuresSection(data.failures),
      footer(
        `Digest for ${channelLink(data.channel)}`,
        data.since ? `since ${formatTime(data.since)}` : 'first digest',
        `generated ${formatTime(data.generatedAt)}`,
      ),
    ),
    fits
      ? undefined
      : detailThread('Daily patch digest · each group', full, { maxMessages: Math.ceil(data.groups.length / 3) + 1 }),
  );
}
