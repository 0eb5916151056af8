/**
 * The one message of an operation, updated in place. An install or reboot that waits for approval
 * is its approval card (card.ts), and stays that card when rejected or expired; once it runs, and
 * for every scan: who started it and the progress; at the end the outcome first, then what failed
 * and what could not be reached by name, what is missing now and what is newly missing. Every
 * instance's line goes to the thread. Kind-specific wording lives in KIND_TEXT.
 */
import { Bits, Blocks, Elements } from 'slack-block-builder';
import type { OperationKind } from '../../shared/lifecycle';
import { isTerminal } from '../../shared/lifecycle';
import type { InstanceLine } from '../../patching/record-schemas';
import type { OperationReport } from '../../patching/report-record';
import type { Verdict } from '../../patching/verdict';
import { VERDICT_WORDS, hasProblems, verdictOf } from '../../patching/verdict';
import { listWithMore } from '../limits';
import {
  NO_HANDLES,
  code,
  escapeText,
  formatCount,
  formatDuration,
  formatTime,
  mention,
  oneLine,
  plural,
  truncate,
  type Handles,
} from '../mrkdwn';
import { ACTIONS } from './actions';
import { approvedByText } from './approval';
import {
  GLANCE,
  SHORT,
  VERDICT_EMOJI,
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
  section,
  severityText,
  spansScopes,
} from './blocks';
import { closedCardView, driftCardView, pendingCardView, scheduledCardView } from './card';
import { frozenCardView } from './freeze-card';
import { isFrozen } from '../../patching/freeze';
import { missingPatchLine, worstFirst } from './patches';
import { changeSummary } from './plan';
import {
  complianceAfterText,
  installState,
  outcomeLine,
  progressBar,
  ssmStatus,
  statusBreakdown,
  threadOrder,
} from './result';
import type { SlackMessage } from './message';

/** How each kind is named; a new kind must say how it reads before it compiles. */
export const KIND_TEXT: Record<OperationKind, { title: string; missingLabel: string; newlyMissingTitle: string }> = {
  scan: {
    title: 'Scan',
    missingLabel: 'Instances missing patches',
    newlyMissingTitle: 'Newly missing since the previous scan',
  },
  install: {
    title: 'Install',
    missingLabel: 'Still missing after the install',
    newlyMissingTitle: 'Newly missing since before the install',
  },
  reboot: {
    title: 'Reboot',
    missingLabel: 'Missing after the reboot',
    newlyMissingTitle: 'Newly missing since before the reboot',
  },
};

/** Where the instances a capped thread leaves out can be read. */
const RUN_COMMAND_HINT = 'Run Command → Command history in the SSM console has every invocation.';

/** The verdict of a report by the one rule (patching/verdict.ts): "sent" once its commands went out. */
export function reportVerdict(r: OperationReport): Verdict {
  return verdictOf(r.status, {
    sent: r.sentAt !== undefined || r.total > 0,
    problems: hasProblems(r),
    missed: r.missed !== undefined,
    frozen: r.missed?.reason === 'frozen',
  });
}

/** How long the run took (send to last result) and how long approval took, as the card and thread say them. */
export function durations(r: OperationReport): { took: string | undefined; approvedAfter: string | undefined } {
  const from = r.sentAt ?? r.startedAt;
  const took = r.finishedAt ? formatDuration(Math.max(0, r.finishedAt.getTime() - from.getTime())) : undefined;
  const approvals = r.approval?.required ? r.approval.decisions.filter((d) => d.decision === 'approved') : [];
  const last = approvals.reduce<Date | undefined>((at, d) => (at === undefined || d.at > at ? d.at : at), undefined);
  return {
    took,
    approvedAfter: last ? formatDuration(Math.max(0, last.getTime() - r.startedAt.getTime())) : undefined,
  };
}

/**
 * A scan, install or reboot as its single, updated message; the thread is filled once it finishes
 * (a pending card's thread holds the plan's full lists). `now` dates the card's ages ("expires in 3h");
 * `handles` names the approver user groups a pending card lists.
 */
export function operationView(r: OperationReport, now: Date = new Date(), handles: Handles = NO_HANDLES): SlackMessage {
  const plan = r.kind !== 'scan' ? r.plan : undefined;
  if (plan && r.status === 'pending') return pendingCardView(r, plan, now, handles);
  // A frozen change says so before its schedule: its time came, a calendar stopped it.
  if (plan && r.status === 'approved' && r.sentAt === undefined && isFrozen(r.freeze))
    return frozenCardView(r, plan, now, { overridable: r.freezeOverridable === true });
  if (plan?.schedule && r.status === 'approved' && r.sentAt === undefined) return scheduledCardView(r, plan, now);
  const neverRan = r.status === 'cancelled' && r.outcomes.length === 0 && r.finished === 0;
  if (plan && (r.status === 'rejected' || r.status === 'expired' || neverRan)) return closedCardView(r, plan, now);
  if (plan && r.status === 'failed' && (r.drift?.blocking.length ?? 0) > 0) return driftCardView(r, plan, now);

  const kind = KIND_TEXT[r.kind];
  const g = escapeText(r.group);
  const verdict = reportVerdict(r);
  const emoji = VERDICT_EMOJI[verdict];
  const words = VERDICT_WORDS[verdict];
  const unreachableIds = new Set(r.unreachable.map((u) => u.instanceId));
  const multi = spansScopes(r.outcomes);
  // Failed counts as report.ts counts it (Failed or TimedOut on a reachable instance); cancelled ones were not run.
  const failed = r.outcomes.filter(
    (o) => !unreachableIds.has(o.instanceId) && (o.status === 'Failed' || o.status === 'TimedOut'),
  );
  const notRun = r.outcomes.filter((o) => o.status === 'Cancelled');
  const failedLines = failed.map((o) => `• ${instanceLabel(o, multi)} — ${ssmStatus(o)}`);
  // A stopped instance is named as stopped: that, not a lost agent, is why it was not reached.
  const unreachableLines = r.unreachable.map(
    (o) => `• ${instanceLabel(o, multi)} — ${o.ec2State ? `${escapeText(o.ec2State)} · ` : ''}${ssmStatus(o)}`,
  );
  const started = `${kind.title} of ${g} ${r.status === 'pending' ? 'requested' : 'started'} by ${mention(r.requestedBy)}`;
  const { took, approvedAfter } = durations(r);
  // The tracker's note while something is wrong but the operation goes on (AWS unreachable, say).
  const notice = r.notice ? section(`⚠️ ${escapeText(truncate(r.notice, 1_000))}`) : undefined;
  // A change says what it does and who let it run: "Install 12 patches on 8 PRD instances, no reboot · Approved by @bob at …".
  const approvedBy =
    r.kind === 'scan'
      ? undefined
      : [
          plan ? changeSummary(plan) : undefined,
          approvedByText(r.approval, r.group),
          approvedAfter ? `approved after ${approvedAfter}` : undefined,
        ]
          .filter(Boolean)
          .join(' · ');
  const decided = approvedBy ? footer(approvedBy) : undefined;
  const footerLine = footer(
    `Operation ${code(r.operationId)}`,
    `requested ${formatTime(r.startedAt)}`,
    r.sentAt && r.kind !== 'scan' ? `sent ${formatTime(r.sentAt)}` : undefined,
    r.finishedAt ? `finished ${formatTime(r.finishedAt)}` : undefined,
  );

  if (!isTerminal(r.status)) {
    return message(
      `${emoji} ${kind.title} of ${g} ${words} · ${formatCount(r.finished)}/${formatCount(r.total)} finished`,
      blocks(
        section(`${emoji} *${started}* · ${r.total > 0 ? plural(r.total, 'instance') : 'finding instances…'}`),
        decided,
        r.total > 0
          ? section(
              `${progressBar(r.finished, r.total)} · ${formatCount(r.finished)} of ${formatCount(r.total)} finished · ${formatCount(r.succeeded)} succeeded · ${formatCount(r.failed)} failed`,
            )
          : undefined,
        notice,
        listSection(`*Failed so far (${formatCount(failedLines.length)})*`, failedLines, SHORT),
        listSection(`*Unreachable so far (${formatCount(unreachableLines.length)})*`, unreachableLines, SHORT),
        failuresSection(r.failures),
        footerLine,
      ),
    );
  }

  const byWorst = worstFirst(r.newlyMissing, (p) => p.instances.length);
  const left = leftOut(r, multi);
  const everyInstance = [...r.outcomes]
    .sort((a, b) => threadOrder(a, unreachableIds) - threadOrder(b, unreachableIds))
    .map((o) => outcomeLine(o, multi, r.kind));
  const capped = (lines: string[], o = GLANCE) => listWithMore(lines, o).hidden > 0;
  const thread = [
    ...detailThread(`${r.group} · ${kind.title.toLowerCase()} result per instance`, everyInstance, {
      hint: RUN_COMMAND_HINT,
    }),
    ...(capped(byWorst.map((p) => missingPatchLine(p, 0)))
      ? detailThread(
          `${r.group} · ${kind.newlyMissingTitle.toLowerCase()}`,
          byWorst.map((p) => missingPatchLine(p, 5)),
        )
      : []),
    ...left.flatMap((l) => (capped(l.lines, SHORT) ? detailThread(`${r.group} · ${l.thread}`, l.lines) : [])),
  ];
  // An install counts what people ask about: installed, waiting for a reboot, failed, unreachable.
  const install =
    r.kind === 'install' ? r.outcomes.filter((o) => installState(o, unreachableIds) === 'pendingReboot') : undefined;
  const installed = install
    ? `${formatCount(r.succeeded - install.length)} installed · ${formatCount(install.length)} pending reboot`
    : `${formatCount(r.succeeded)} succeeded`;
  // Failed here excludes the unreachable, which get their own count and list.
  const summary = [
    plural(r.total, 'instance'),
    installed,
    `${formatCount(failed.length)} failed`,
    `${formatCount(r.unreachable.length)} unreachable`,
    notRun.length > 0 ? `${formatCount(notRun.length)} not run` : '',
    ...left.map((l) => `${formatCount(l.lines.length)} ${l.count}`),
  ]
    .filter(Boolean)
    .join(' · ');
  const nothingNew =
    r.kind === 'scan' && r.missingBySeverity !== undefined && byWorst.length === 0
      ? `\n${kind.newlyMissingTitle}: nothing.`
      : '';
  const after = r.complianceAfter ? `\nAfter: ${complianceAfterText(r.complianceAfter)}` : '';

  // Nothing ran at all (every scope failed): the notification says why, not "0 instances".
  const why = r.total === 0 ? (r.failures[0]?.message ?? r.notice) : undefined;
  const reason = why ? escapeText(truncate(why, 300)) : summary;
  return message(
    `${emoji} ${kind.title} of ${g} ${words}: ${reason}`,
    blocks(
      header(`${emoji} ${kind.title} of ${r.group} ${words}`),
      section(`Started by ${mention(r.requestedBy)} · ${summary}${took ? ` · took ${took}` : ''}${nothingNew}${after}`),
      decided,
      fieldSections([
        ['SSM status', statusBreakdown(r.outcomes)],
        ...(r.missingBySeverity
          ? ([[kind.missingLabel, severityText(r.missingBySeverity)]] as Array<[string, string]>)
          : []),
      ]),
      listSection(`*Failed (${formatCount(failedLines.length)})*`, failedLines, GLANCE, moreInThread),
      listSection(
        `*Unreachable (${formatCount(unreachableLines.length)})* — the SSM agent could not be reached, or the instance was not running:`,
        unreachableLines,
        SHORT,
        moreInThread,
      ),
      listSection(
        `*Not run (${formatCount(notRun.length)})* — cancelled, or stopped once MaxErrors was reached:`,
        notRun.map((o) => `• ${instanceLabel(o, multi)} — ${ssmStatus(o)}`),
        SHORT,
        moreInThread,
      ),
      listSection(
        `*Pending reboot (${formatCount(install?.length ?? 0)})* — installed; the patches apply at the next reboot:`,
        (install ?? []).map((o) => `• ${instanceLabel(o, multi)}`),
        SHORT,
        moreInThread,
      ),
      ...left.map((l) =>
        listSection(`*${l.title} (${formatCount(l.lines.length)})* — ${l.why}`, l.lines, SHORT, moreInThread),
      ),
      listSection(
        `*🆕 ${kind.newlyMissingTitle} (${plural(byWorst.length, 'patch', 'patches')})*`,
        byWorst.map((p) => missingPatchLine(p, 0)),
        { maxChars: 1_800, maxLines: 10 },
        moreInThread,
      ),
      failuresSection(r.failures),
      notice,
      retryButton(r, failed.length),
      footerLine,
    ),
    thread,
  );
}

/** Retry failed under an ended install or reboot with failed instances: plans a change for exactly those. */
function retryButton(r: OperationReport, failed: number) {
  if (r.kind === 'scan' || failed === 0) return undefined;
  return Blocks.Actions().elements(
    Elements.Button({
      text: `Retry failed (${formatCount(failed)})`,
      actionId: ACTIONS.retryFailed,
      value: r.operationId,
    }).confirm(
      Bits.ConfirmationDialog({
        title: 'Retry the failed instances?',
        text: truncate(
          `Plans a new ${r.kind} of ${r.group} for exactly the ${plural(failed, 'failed instance')}${r.approval?.required ? '; it needs approval like any other change' : ''}.`,
          300,
        ),
        confirm: 'Plan it',
        deny: 'Cancel',
      }),
    ),
  );
}

/** Approved instances this change did not patch, and instances it left out on purpose, each with why. */
function leftOut(
  r: OperationReport,
  multi: boolean,
): Array<{ title: string; why: string; count: string; thread: string; lines: string[] }> {
  const lines = (items: readonly InstanceLine[] | undefined, why?: (i: InstanceLine) => string) =>
    (items ?? []).map(
      (i) => `• ${instanceLabel(i, multi)}${why ? ` — ${escapeText(truncate(oneLine(why(i)), 200))}` : ''}`,
    );
  const notIncluded = r.drift?.notIncluded ?? [];
  return [
    {
      title: 'Went offline before the send',
      why: 'approved, but their SSM agent was offline when the change was sent; not patched and not retried:',
      count: 'offline at send',
      thread: 'approved targets offline at send',
      lines: lines(r.drift?.offline),
    },
    {
      title: 'Never run by SSM',
      why: 'approved and marked, but SSM never ran the command on them:',
      count: 'never run',
      thread: 'approved targets SSM never ran',
      lines: lines(r.notReached),
    },
    {
      title: 'Not included',
      why: 'nobody approved them for this change:',
      count: 'not included',
      thread: 'instances not included',
      lines: lines(notIncluded, (i) => notIncluded.find((n) => n.instanceId === i.instanceId)?.reason ?? ''),
    },
  ].filter((l) => l.lines.length > 0);
}
