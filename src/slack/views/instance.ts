/**
 * `/patch instance <Name tag | id>`: one instance. The verdict first (compliant or what is missing,
 * reachable or not), then the facts (agent, platform, group, last scan and install), the missing and
 * failed patches worst first with their CVE ids, what waits for a reboot, and the operations that
 * touched it with its own outcome in each; every list is capped with "…and N more". Several matches
 * are listed with where each is and how to choose; none says so, with where to look.
 */
import type {
  InstanceDetail,
  InstanceMatch,
  InstanceOperation,
  InstanceOutcome,
  InstanceReport,
} from '../../patching/instance-detail';
import type { InstancePatch, InstanceQuery } from '../../patching/fleet-types';
import { VERDICT_WORDS } from '../../patching/verdict';
import {
  bold,
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
import {
  GLANCE,
  SHORT,
  VERDICT_EMOJI,
  blocks,
  failuresSection,
  fieldSections,
  footer,
  header,
  instanceLabel,
  listSection,
  message,
  scopeLabel,
  section,
} from './blocks';
import { reachability } from './status';
import type { SlackMessage } from './message';

/** CVE ids shown per patch; the rest are counted. */
export const CVES_SHOWN = 5;

/** The query as the user typed it, quoted and escaped. */
function queryText(q: InstanceQuery): string {
  return 'instanceId' in q ? code(q.instanceId) : `"${escapeText(truncate(oneLine(q.name), 80))}"`;
}

/** One patch as a line: severity, title, KB id, then its CVE ids (capped). */
export function patchLine(p: InstancePatch): string {
  const severity = p.severity.trim() === '' ? 'Unspecified' : p.severity;
  const cves =
    p.cveIds.length === 0
      ? ''
      : ` — ${p.cveIds.slice(0, CVES_SHOWN).map(escapeText).join(', ')}${p.cveIds.length > CVES_SHOWN ? ` (+${formatCount(p.cveIds.length - CVES_SHOWN)} more)` : ''}`;
  const kb = p.kbId && p.kbId !== p.title ? ` ${code(p.kbId)}` : '';
  return `• ${bold(severity)} ${escapeText(truncate(oneLine(p.title), 120))}${kb}${cves}`;
}

/** What the operation did to this instance, in words after "install op-… ·". */
export function outcomeWords(o: InstanceOutcome, op: Pick<InstanceOperation, 'verdict'>): string {
  switch (o.kind) {
    case 'invocation':
      return o.status === 'Success'
        ? 'succeeded on it'
        : `${escapeText(o.status)} on it${o.statusDetails ? ` (${escapeText(oneLine(o.statusDetails))})` : ''}`;
    case 'failed': {
      const why = [o.statusDetails, o.responseCode !== undefined ? `exit code ${o.responseCode}` : undefined]
        .filter((x): x is string => x !== undefined && x !== '')
        .map((x) => escapeText(oneLine(x)));
      return `failed on it${why.length > 0 ? ` (${why.join(', ')})` : ''}`;
    }
    case 'unreachable':
      return 'did not run on it: its agent could not be reached';
    case 'notReached':
      return 'never reached it: SSM did not run the command on it';
    case 'offline':
      return 'left it out: it was offline when the change was sent';
    case 'excluded':
      return `left it out: ${escapeText(truncate(oneLine(o.reason), 160))}`;
    case 'rebooted':
      return 'rebooted it';
    case 'target':
      if (op.verdict === 'succeeded') return 'succeeded on it';
      // Only failed instances are kept once the result is published: the others are not known one by one.
      if (op.verdict === 'problems' || op.verdict === 'failed')
        return `no failure recorded on it; the operation ${VERDICT_WORDS[op.verdict]}`;
      return `targeted it; the operation ${VERDICT_WORDS[op.verdict]}`;
  }
}

/** One operation that touched the instance. */
function operationLine(op: InstanceOperation, now: Date): string {
  const when = `${formatTime(op.createdAt)} (${formatAge(now.getTime() - op.createdAt.getTime())})`;
  return `${VERDICT_EMOJI[op.verdict]} ${code(op.operationId)} ${op.kind} · ${outcomeWords(op.outcome, op)} · requested by ${mention(op.requestedBy)} · ${when}`;
}

/** The verdict a person reads first. */
function verdictLine(i: InstanceDetail): { emoji: string; line: string } {
  const s = i.patchState;
  const reachable = i.pingStatus === 'Online' && (i.ec2State === undefined || i.ec2State === 'running');
  const parts: string[] = [];
  if (!s) parts.push(i.readProblems.length > 0 ? 'patch state could not be read' : 'never scanned');
  else {
    const critical = s.criticalNonCompliantCount > 0 ? ` (${formatCount(s.criticalNonCompliantCount)} critical)` : '';
    parts.push(
      s.missingCount === 0
        ? 'no missing patches'
        : `${plural(s.missingCount, 'missing patch', 'missing patches')}${critical}`,
    );
    if (s.failedCount > 0) parts.push(`${formatCount(s.failedCount)} failed`);
    if (s.installedPendingRebootCount > 0) parts.push('reboot pending');
  }
  if (!reachable) parts.push('unreachable');
  const ok =
    s !== undefined && s.missingCount === 0 && s.failedCount === 0 && s.installedPendingRebootCount === 0 && reachable;
  return { emoji: ok ? '✅' : '⚠️', line: parts.join(' · ') };
}

function ago(now: Date, at: Date | undefined, none: string): string {
  return at ? `${formatTime(at)} (${formatAge(now.getTime() - at.getTime())})` : none;
}

/** One instance in detail. */
function detailView(i: InstanceDetail, failures: InstanceReport['failures'], now: Date): SlackMessage {
  const { emoji, line } = verdictLine(i);
  const s = i.patchState;
  const label = i.name ?? i.instanceId;
  const agent =
    i.pingStatus === 'Online' && (i.ec2State === undefined || i.ec2State === 'running')
      ? `Online${i.lastPingAt ? ` · last ping ${formatAge(now.getTime() - i.lastPingAt.getTime())}` : ''}`
      : reachability(i, now);
  const platform = [i.platformName, i.platformVersion].filter((x): x is string => !!x).join(' ');
  const lastScan = s
    ? s.lastScanAt
      ? ago(now, s.lastScanAt, '')
      : `the last operation was an install, ${ago(now, s.lastOperationEndedAt, '')}`
    : 'never';
  const missing = i.patches?.missing.map(patchLine) ?? [];
  const failed = i.patches?.failed.map(patchLine) ?? [];
  const pending = i.patches?.pendingReboot.map(patchLine) ?? [];
  const ops = i.operations.map((op) => operationLine(op, now));
  const group = escapeText(i.group);
  return message(
    `${emoji} ${escapeText(label)}: ${line}`,
    blocks(
      header(`Instance ${label}`),
      section(`${emoji} *${line}*\n${instanceLabel(i)} · group ${bold(i.group)} · ${scopeLabel(i.scope, i.region)}`),
      fieldSections([
        ['Agent', agent],
        ['Agent version', i.agentVersion ? escapeText(i.agentVersion) : 'not registered with SSM'],
        ['Platform', platform ? escapeText(platform) : 'unknown'],
        ['Patch group', s && s.patchGroup !== i.group ? `${group} (SSM reads ${escapeText(s.patchGroup)})` : group],
        ['Last scan', lastScan],
        [
          'Last install',
          s
            ? `${ago(now, s.lastInstallAt, 'none reported by SSM')}${s.lastInstallFrom === 'patches' ? ' (its newest installed patch)' : ''}`
            : 'never',
        ],
        ['Missing', s ? formatCount(s.missingCount) : '—'],
        ['Failed', s ? formatCount(s.failedCount) : '—'],
        [
          'Pending reboot',
          s
            ? s.installedPendingRebootCount > 0
              ? `yes, ${plural(s.installedPendingRebootCount, 'patch', 'patches')}`
              : 'no'
            : '—',
        ],
        ['EC2 state', i.ec2State ? escapeText(i.ec2State) : 'unknown'],
      ]),
      listSection(`*Missing patches, worst first (${formatCount(missing.length)})*`, missing, GLANCE),
      listSection(`*Failed patches (${formatCount(failed.length)})*`, failed, SHORT),
      listSection(
        `*Installed, waiting for a reboot (${formatCount(pending.length)})* — ${code(`/patch reboot ${i.group}`)} reboots the instances waiting for one:`,
        pending,
        SHORT,
      ),
      ops.length > 0
        ? listSection(`*Patchbot operations that touched it, newest first (${formatCount(ops.length)})*`, ops, SHORT)
        : section(
            `No patchbot operation among ${bold(i.group)}'s last ${formatCount(i.operationsSearched)} names this instance.`,
          ),
      i.readProblems.length > 0
        ? listSection(
            '❌ *Could not read everything about it*, so this is left out above:',
            i.readProblems.map((p) => `• ${escapeText(truncate(oneLine(p), 300))}`),
            SHORT,
          )
        : undefined,
      failuresSection(
        failures,
        '❌ *These scopes could not be searched*, so another instance of that name may be there:',
      ),
      footer(`Generated ${formatTime(now)}`),
    ),
  );
}

/** One match in the ambiguous list: name, id, group, where, state. */
function matchLine(m: InstanceMatch): string {
  const state = m.ec2State && m.ec2State !== 'running' ? ` · EC2 ${escapeText(m.ec2State)}` : '';
  return `• ${instanceLabel(m)} · group ${bold(m.group)} · ${scopeLabel(m.scope, m.region)}${state}`;
}

/** `/patch instance` as a message. */
export function instanceView(report: InstanceReport, now: Date): SlackMessage {
  const q = queryText(report.query);
  const failures = report.failures;
  if (report.kind === 'one') return detailView(report.instance, failures, now);
  if (report.kind === 'many') {
    const title = `${formatCount(report.matches.length)} instances match ${q}`;
    return message(
      escapeText(`${report.matches.length} instances match`),
      blocks(
        header('Which instance?'),
        listSection(`⚠️ *${title}*`, report.matches.map(matchLine), GLANCE),
        section(`Choose one by its id: ${code('/patch instance i-…')} with the id above.`),
        failuresSection(failures, '❌ *These scopes could not be searched*, so there may be more:'),
        footer(`Generated ${formatTime(now)}`),
      ),
    );
  }
  const where = report.groups.length > 0 ? report.groups.map((g) => bold(g)).join(', ') : 'none';
  const kind = 'instanceId' in report.query ? 'with id' : 'named';
  const hint =
    'instanceId' in report.query
      ? 'Check the id, and that it is a live instance (terminated ones are not listed).'
      : `Check the spelling (Name tags match exactly, case included); ${code(`/patch status ${report.groups[0] ?? '<group>'}`)} lists the names of a group's instances.`;
  return message(
    escapeText(`No instance ${kind} ${'instanceId' in report.query ? report.query.instanceId : report.query.name}`),
    blocks(
      section(`🔍 *No instance ${kind} ${q}* in the groups you operate (${where}).\n${hint}`),
      failuresSection(failures, '❌ *These scopes could not be searched*, so it may be there:'),
      footer(`Generated ${formatTime(now)}`),
    ),
  );
}
