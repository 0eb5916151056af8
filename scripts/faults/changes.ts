/**
 * Cases on an approved PRD change (install: SendCommand; reboot: RebootInstances): a clean run
 * that sets the reference, SIGKILL at each step with a restart on the same state file, AWS answers
 * lost / delayed / hung, Slack unreachable for a while, and a rolling restart.
 */
import { Expect, type FaultCase } from './case';
import {
  FAULT_ACTION,
  approve,
  message,
  operationOf,
  requestCard,
  resultThreadHead,
  tally,
  waitForEnd,
  type ChangeKind,
  type Tally,
} from './flow';
import { sleep, until, type World } from './world';
import { END_TIMEOUT_MS, figuresOf, judge } from './changes-judge';
import { KILL_POINTS, killCase } from './changes-kill';

/** A clean change: the reference the fault cases compare with. */
export async function cleanChange(
  w: World,
  kind: ChangeKind,
): Promise<{ tally: Tally; threadHead: string | undefined; failures: string[] }> {
  await w.startBot();
  const card = await requestCard(w, kind);
  const status = await approve(w, card);
  const ended = await waitForEnd(w, card, END_TIMEOUT_MS);
  const threadHead = resultThreadHead(w, card);
  const t = tally(w, card, ended, threadHead);
  const e = new Expect();
  e.that(status === 200, `Approve answered HTTP ${status}`);
  e.that(ended, `the card never ended (status ${t.status})`);
  e.that(t.status === 'succeeded', `a clean ${kind} ended ${t.status}: "${t.result}"`);
  e.that(t.cards === 1 && t.threads === 1, `a clean ${kind} posted ${t.cards} cards and ${t.threads} result threads`);
  if (kind === 'install') e.that(t.sends === 1, `a clean install sent ${t.sends} SendCommands`);
  else e.that(t.reboots === 1, `a clean reboot called RebootInstances ${t.reboots} times`);
  return { tally: t, threadHead, failures: e.failures };
}

function cleanCase(kind: ChangeKind): FaultCase {
  return {
    name: `${kind}-clean`,
    what: `an approved PRD ${kind} without faults: the reference result the other cases compare with`,
    quick: true,
    async run(w, ctx) {
      const { tally: t, threadHead, failures } = await cleanChange(w, kind);
      if (failures.length === 0) ctx.remember(kind, { result: t.result, threadHead });
      return { figures: figuresOf(t), failures };
    },
  };
}

export type AnswerFault = 'lose-answer' | 'delay' | 'hang';

const ANSWER_MS: Record<AnswerFault, number | undefined> = { 'lose-answer': undefined, delay: 5000, hang: 10_000 };

function answerCase(kind: ChangeKind, fault: AnswerFault, quick: boolean): FaultCase {
  const action = FAULT_ACTION[kind];
  return {
    name: `${kind}-${fault}`,
    what: `${action} ${fault === 'lose-answer' ? 'carried out but its answer lost (the SDK retries)' : fault === 'delay' ? 'delayed 5 s' : 'hung 10 s then dropped, not carried out'}, no kill`,
    quick,
    async run(w, ctx) {
      const ref = await ctx.reference(kind);
      await w.startBot();
      const card = await requestCard(w, kind);
      const ms = ANSWER_MS[fault];
      w.sim.configure({ faults: [{ action, kind: fault, ...(ms !== undefined ? { ms } : {}), times: 1 }] });
      await approve(w, card);
      const ended = await waitForEnd(w, card, END_TIMEOUT_MS);
      const t = tally(w, card, ended, ref.threadHead);
      return { figures: figuresOf(t), failures: judge(kind, t, ref, { sameResult: false }) };
    },
  };
}

/** Slack unreachable (connections refused) from the moment the install reached AWS, for `seconds`. */
function slackOutageCase(): FaultCase {
  return {
    name: 'slack-unreachable',
    what: 'Slack refuses connections for 60 s (--outage-seconds) from the moment the install is sent: afterwards the right result, one card, one result thread',
    quick: false,
    async run(w, ctx) {
      const ref = await ctx.reference('install');
      await w.startBot();
      const card = await requestCard(w, 'install');
      await approve(w, card);
      const sent = await until(() => w.sim.changes('SendCommand').length >= 1, 30_000, 5);
      await w.slackProxy.down();
      await sleep(ctx.outageSeconds * 1000);
      const back = Date.now();
      await w.slackProxy.restore();
      const ended = await waitForEnd(w, card, END_TIMEOUT_MS);
      const t = tally(w, card, ended, ref.threadHead);
      const failures = judge('install', t, ref, { sameResult: true });
      if (!sent) failures.unshift('SendCommand never reached AWS before the outage');
      // The harness's own check: the result can only have reached Slack after the outage.
      const finalAt = message(w, card.ts)?.history.at(-1)?.at.getTime() ?? 0;
      const publishedAfter = finalAt >= back;
      if (ended && !publishedAfter)
        failures.push('the final card update is dated inside the outage: the outage did not cut the bot off');
      return {
        figures: figuresOf(t, { outageSeconds: ctx.outageSeconds, publishedAfterOutage: publishedAfter }),
        failures,
      };
    },
  };
}

/** A second process on the same state file while the first is sending; then the first stops (SIGTERM). */
function rollingRestartCase(): FaultCase {
  return {
    name: 'rolling-restart',
    what: 'a second bot on the same state file starts while the first is sending (SendCommand delayed 8 s on the wire), then the first is stopped: one SendCommand, one card, one thread',
    quick: false,
    async run(w, ctx) {
      const ref = await ctx.reference('install');
      const first = await w.startBot();
      const card = await requestCard(w, 'install');
      w.sim.configure({ faults: [{ action: 'ssm:SendCommand', kind: 'delay', ms: 8000, times: 1 }] });
      await approve(w, card);
      const inFlight = await until(() => (w.sim.stats().calls.SendCommand ?? 0) >= 1, 30_000, 5);
      const atSecond = operationOf(w, card)?.status ?? 'none';
      await w.startBot();
      await until(() => w.sim.changes('SendCommand').length >= 1, 15_000, 50);
      await first.stop();
      const ended = await waitForEnd(w, card, END_TIMEOUT_MS);
      const t = tally(w, card, ended, ref.threadHead);
      const failures = judge('install', t, ref, { sameResult: true });
      if (!inFlight || atSecond !== 'sending')
        failures.unshift(`the second process did not start during the send (store said ${atSecond})`);
      return { figures: figuresOf(t, { atSecondStart: atSecond }), failures };
    },
  };
}

/** Every change case: the clean references, kills at each point, AWS answer faults, a Slack outage and a rolling restart. */
export const CHANGE_CASES: FaultCase[] = [
  cleanCase('install'),
  cleanCase('reboot'),
  ...KILL_POINTS.map((p) => killCase('install', p, p === 'on-the-wire-late')),
  ...KILL_POINTS.map((p) => killCase('reboot', p, p === 'on-the-wire-late')),
  answerCase('install', 'lose-answer', true),
  answerCase('reboot', 'lose-answer', true),
  answerCase('install', 'delay', false),
  answerCase('reboot', 'delay', false),
  answerCase('install', 'hang', false),
  answerCase('reboot', 'hang', false),
  slackOutageCase(),
  rollingRestartCase(),
];
