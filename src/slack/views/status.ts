/**
 * `/patch status <group>`: the verdict first (how many instances are non-compliant, what is
 * critical), then the counts, scan freshness, the worst instances by name and the unreachable ones;
 * every long list ends with "…and N more" and continues in the thread.
 */
import { otherSpellingFix, otherSpellingSummary } from '../../patching/tag-spelling';
import type {
  GroupStatus,
  NonCompliantInstance,
  StaleInstance,
  UnreachableInstance,
} from '../../patching/group-reports';
import { code, escapeText, formatAge, formatCount, formatDuration, formatTime, plural } from '../mrkdwn';
import { listWithMore } from '../limits';
import {
  GLANCE,
  SHORT,
  blocks,
  detailThread,
  failuresSection,
  fieldSections,
  footer,
  header,
  instanceLabel,
  listSection,
  message,
  moreInThread,
  scopeLabel,
  section,
  severityText,
  spansScopes,
} from './blocks';
import { scopeSummary } from './scope-summary';
import { unmanagedSection, unmanagedThread } from './unmanaged';
import { slaStatusSection } from './sla';
import type { SlackMessage } from './message';
import type { UnmanagedInstances } from '../../patching/unmanaged';

const CONSOLE_HINT = 'Patch Manager → Compliance reporting in the SSM console lists them all.';

/** One non-compliant instance: what is missing, worst buckets named. */
function nonCompliantLine(i: NonCompliantInstance, withScope: boolean): string {
  const buckets = [
    i.severity.critical > 0 ? `${formatCount(i.severity.critical)} critical` : '',
    i.severity.security > 0 ? `${formatCount(i.severity.security)} security` : '',
  ].filter(Boolean);
  const parts = [
    `${plural(i.missing, 'missing patch', 'missing patches')}${buckets.length > 0 ? ` (${buckets.join(', ')})` : ''}`,
    i.failed > 0 ? `${formatCount(i.failed)} failed` : '',
    i.pendingReboot > 0 ? `${formatCount(i.pendingReboot)} pending reboot` : '',
  ].filter(Boolean);
  return `• ${instanceLabel(i, withScope)} — ${parts.join(' · ')}`;
}

/** Why an instance cannot be reached, as an operator would check it. */
export function reachability(
  i: Pick<UnreachableInstance, 'pingStatus' | 'ec2State' | 'lastPingAt'>,
  now: Date,
): string {
  const state =
    i.ec2State !== undefined && i.ec2State !== 'running'
      ? `EC2 ${escapeText(i.ec2State)}`
      : i.pingStatus === undefined
        ? 'not managed by SSM (no agent registration)'
        : i.pingStatus === 'ConnectionLost'
          ? 'SSM agent connection lost'
          : `SSM agent ${escapeText(i.pingStatus)}`;
  return i.lastPingAt ? `${state} · last ping ${formatAge(now.getTime() - i.lastPingAt.getTime())}` : state;
}

function staleLine(i: StaleInstance, now: Date, withScope: boolean): string {
  const when = i.lastScanAt ? `last scan ${formatAge(now.getTime() - i.lastScanAt.getTime())}` : 'never scanned';
  return `• ${instanceLabel(i, withScope)} — ${when}`;
}

/** Stopped instances are a subset of the unreachable ones (the domain counts both): " (1 stopped)". */
function stoppedNote(s: GroupStatus): string {
  return s.counts.stopped > 0 ? ` (${formatCount(s.counts.stopped)} stopped)` : '';
}

/** Where an instance is, as one key: an instance id is unique in its account and region. */
function placeKey(i: Pick<UnreachableInstance, 'scope' | 'region' | 'instanceId'>): string {
  return JSON.stringify([i.scope, i.region, i.instanceId]);
}

/**
 * The unreachable instances the unmanaged section does not name already: an instance with no SSM agent
 * is counted as unreachable too, but named once, under "not managed by SSM" with the fix.
 */
function unreachableNotUnmanaged(
  unreachable: readonly UnreachableInstance[],
  unmanaged: UnmanagedInstances | undefined,
): { rest: UnreachableInstance[]; unmanaged: number } {
  const named = new Set((unmanaged?.places ?? []).flatMap((p) => p.instances.map(placeKey)));
  const rest = unreachable.filter((i) => !named.has(placeKey(i)));
  return { rest, unmanaged: unreachable.length - rest.length };
}

/** The unreachable list: all of them counted, those the unmanaged section names left to it. */
function unreachableSection(total: number, unmanaged: number, lines: string[]) {
  if (total === 0) return undefined;
  const title = `*Unreachable (${formatCount(total)})* — SSM cannot scan or patch these`;
  if (unmanaged === 0) return listSection(`${title}:`, lines, SHORT, moreInThread);
  const below = `${title} (${formatCount(unmanaged)} not managed by SSM, listed below)`;
  return lines.length === 0 ? section(below) : listSection(`${below}:`, lines, SHORT, moreInThread);
}

/** The verdict a person reads first, also used as the notification text. */
function verdict(s: GroupStatus): { emoji: string; line: string } {
  const c = s.counts;
  if (c.instances === 0) {
    return {
      emoji: s.failures.length > 0 ? '❌' : '⚠️',
      line: s.failures.length > 0 ? 'No instances could be read' : 'No instances found in this group',
    };
  }
  const extras = [
    s.missingBySeverity.critical > 0
      ? `${formatCount(s.missingBySeverity.critical)} with critical patches missing`
      : '',
    c.unreachable > 0 ? `${formatCount(c.unreachable)} unreachable${stoppedNote(s)}` : '',
  ].filter(Boolean);
  const head =
    c.nonCompliant === 0
      ? `All ${plural(c.instances, 'instance')} compliant`
      : `${formatCount(c.nonCompliant)} non-compliant of ${plural(c.instances, 'instance')}`;
  const ok =
    c.nonCompliant === 0 &&
    c.unreachable === 0 &&
    s.failures.length === 0 &&
    s.stale.length === 0 &&
    !s.otherSpelling?.instances.length;
  return { emoji: ok ? '✅' : '⚠️', line: [head, ...extras].join(' · ') };
}

/** Scan freshness: newest and oldest scan, the group's limit, and ⚠ with the stale instances when some are too old. */
function scanAgeSection(s: GroupStatus, staleLines: string[]) {
  const now = s.generatedAt.getTime();
  const limit = formatDuration(s.scanAge.maxAgeMs);
  const { newest, oldest } = s.scanAge;
  const rescan = code(`/patch scan ${s.group}`);
  if (newest === undefined) return section(`⚠ *No scan results yet.* Run ${rescan} to get them.`);
  const range =
    oldest && oldest.getTime() !== newest.getTime()
      ? `newest ${formatAge(now - newest.getTime())}, oldest ${formatAge(now - oldest.getTime())}`
      : formatAge(now - newest.getTime());
  const stale = s.stale.length > 0 || (oldest !== undefined && now - oldest.getTime() > s.scanAge.maxAgeMs);
  const first = `${stale ? '⚠' : '🕑'} Last scans: ${range} (limit ${limit})`;
  if (!stale) return section(first);
  if (staleLines.length === 0) return section(`${first} — ${rescan} refreshes them`);
  return listSection(
    `${first}\n⚠ *${plural(s.stale.length, 'instance')} not scanned within ${limit}* — ${rescan} refreshes them:`,
    staleLines,
    SHORT,
    moreInThread,
  );
}

/** Instances under the other tag spelling: what they are, why they are left out, what to do, then their names. */
function otherSpellingSection(s: GroupStatus, lines: string[]) {
  const other = s.otherSpelling;
  const summary = other ? otherSpellingSummary(other) : undefined;
  if (!other || !summary) return undefined;
  return listSection(
    `⚠ *${escapeText(summary)}* — ${escapeText(otherSpellingFix(other))}:`,
    lines,
    SHORT,
    moreInThread,
  );
}

/** `/patch status <group>` as a message; full instance lists go to the thread when the message caps them. */
export function statusView(s: GroupStatus): SlackMessage {
  const now = s.generatedAt;
  const g = escapeText(s.group);
  const c = s.counts;
  const { emoji, line } = verdict(s);
  const multi = s.scopes.length > 1 || spansScopes([...s.nonCompliant, ...s.unreachable]);

  const nonCompliant = s.nonCompliant.map((i) => nonCompliantLine(i, multi));
  const unreachableSplit = unreachableNotUnmanaged(s.unreachable, s.unmanaged);
  const unreachable = unreachableSplit.rest.map((i) => `• ${instanceLabel(i, multi)} — ${reachability(i, now)}`);
  const stale = s.stale.map((i) => staleLine(i, now, multi));
  const other = (s.otherSpelling?.instances ?? []).map((i) => `• ${instanceLabel(i, multi)}`);
  const capped = (lines: string[], options = GLANCE) => listWithMore(lines, options).hidden > 0;

  const thread = [
    ...(capped(nonCompliant)
      ? detailThread(`${s.group} · non-compliant instances, worst first`, nonCompliant, { hint: CONSOLE_HINT })
      : []),
    ...(capped(unreachable, SHORT)
      ? detailThread(`${s.group} · unreachable instances`, unreachable, { maxMessages: 3, hint: CONSOLE_HINT })
      : []),
    ...(capped(stale, SHORT)
      ? detailThread(`${s.group} · instances not scanned within ${formatDuration(s.scanAge.maxAgeMs)}`, stale, {
          maxMessages: 3,
          hint: CONSOLE_HINT,
        })
      : []),
    ...(s.otherSpelling && capped(other, SHORT)
      ? detailThread(
          `${s.group} · instances tagged ${s.otherSpelling.tagKey}=${s.otherSpelling.tagValue}, not part of the group`,
          other,
          { maxMessages: 3 },
        )
      : []),
    ...unmanagedThread(s.group, s.unmanaged),
  ];
  const scopeLines = s.scopes.map((sc) => `• ${scopeLabel(sc.scope, sc.region)} — ${plural(sc.instances, 'instance')}`);

  return message(
    `${emoji} ${g}: ${line}`,
    blocks(
      header(`${s.group} compliance`),
      section(`${emoji} *${line}*${s.scopes.length > 0 ? `\n${escapeText(scopeSummary(s.group, s.scopes))}` : ''}`),
      c.instances > 0
        ? fieldSections([
            ['Instances', formatCount(c.instances)],
            ['Compliant', formatCount(c.compliant)],
            ['Non-compliant', formatCount(c.nonCompliant)],
            ['Pending reboot', formatCount(c.pendingReboot)],
            ['Failed patches', formatCount(c.failed)],
            ['Unreachable', `${formatCount(c.unreachable)}${stoppedNote(s)}`],
            ['Never scanned', formatCount(c.neverScanned)],
            ['Instances missing, by severity', severityText(s.missingBySeverity)],
          ])
        : undefined,
      c.instances > 0 ? scanAgeSection(s, stale) : undefined,
      listSection(
        `*Non-compliant, worst first (${formatCount(nonCompliant.length)})*`,
        nonCompliant,
        GLANCE,
        moreInThread,
      ),
      unreachableSection(s.unreachable.length, unreachableSplit.unmanaged, unreachable),
      slaStatusSection(s.sla),
      otherSpellingSection(s, other),
      unmanagedSection(s.group, s.unmanaged),
      multi ? listSection('*Scopes*', scopeLines, SHORT) : undefined,
      failuresSection(s.failures),
      footer(`Generated ${formatTime(now)}`),
    ),
    thread,
  );
}
