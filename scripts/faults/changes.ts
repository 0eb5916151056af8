/**
 * Cases on an approved PRD change (install: SendCommand; reboot: RebootInstances): a clean run
 * that sets the reference, SIGKILL at each step with a restart on the same state file, AWS answers
 * lost / delayed / hung, Slack unreachable for a while, and a rolling restart.
 */
import type { FaultRule } from '@patchbot/sandbox/aws';
import { Expect, type FaultCase, type Figures } from './case';
import {
  FAULT_ACTION,
  SIDE_EFFECT,
  approve,
  message,
  ENDED,
  operationOf,
  replies,
  requestCard,
  resultThreadHead,
  tally,
  waitForEnd,
  type Card,
  type ChangeKind,
  type Tally,
} from './flow';
import { sleep, until, type BotProcess, type World } from './world';

/** How long a change may take to end after the last fault. */
const END_TIMEOUT_MS = 90_000;

function figuresOf(t: Tally, extra: Figures = {}): Figures {
  return {
    ...extra,
    SendCommand: t.sends,
    RebootInstances: t.reboots,
    cards: t.cards,
    threads: t.threads,
    status: t.status,
    result: t.result,
  };
}

/**
 * The expectations of a change after a fault. An install: exactly one SendCommand, one card, one
 * result thread, the clean run's result. A reboot: at most one RebootInstances, one card, at most
 * one result thread, and a card consistent with what happened.
 */
function judge(kind: ChangeKind, t: Tally, ref: { result: string }, options: { sameResult: boolean }): string[] {
  const e = new Expect();
  e.that(t.ended, `the card never ended (status ${t.status}, card "${t.result}")`);
  e.that(t.cards === 1, `${t.cards} cards posted (expected exactly 1)`);
  if (kind === 'install') {
    e.that(t.sends === 1, `SendCommand ${t.sends} (expected exactly 1)`);
    e.that(t.threads === 1, `result thread posted ${t.threads} times (expected exactly 1)`);
    if (options.sameResult) e.that(t.result === ref.result, `result "${t.result}" (expected "${ref.result}")`);
  } else {
    e.that(t.reboots <= 1, `RebootInstances ${t.reboots} (expected at most 1)`);
    e.that(t.threads <= 1, `result thread posted ${t.threads} times (expected at most 1)`);
    e.that(
      !(t.reboots === 0 && /^Reboot of \S+ succeeded\b/.test(t.result)),
      `the card says "${t.result}" but nothing was rebooted`,
    );
  }
  e.that(
    !t.falseNothing,
    `the card says nothing was changed but ${SIDE_EFFECT[kind]} reached AWS ${kind === 'install' ? t.sends : t.reboots} time(s): "${t.result}"`,
  );
  return e.failures;
}

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

export type KillPoint =
  | 'after-ack'
  | 'on-the-wire'
  | 'on-the-wire-late'
  | 'after-answer'
  | 'while-running'
  | 'while-publishing';

/** How long the side-effect request is held on the wire: 3 s (lands while the bot restarts), 12 s (lands after the restarted bot is up and resuming). */
const WIRE_DELAY_MS = { 'on-the-wire': 3000, 'on-the-wire-late': 12_000 };

const KILL_WHAT: Record<KillPoint, string> = {
  'after-ack': 'right after the Approve click is acknowledged',
  'on-the-wire':
    'while the side-effect request is on the wire (held 3 s by the simulator; it lands after the kill, during the restart)',
  'on-the-wire-late':
    'while the side-effect request is on the wire (held 12 s; it lands after the restarted bot is up and resuming)',
  'after-answer': 'as soon as the simulator carried out the side effect, before the store records it',
  'while-running': 'while the operation is running',
  'while-publishing': 'after the final card update, before the result thread (Slack slowed to 700 ms a call)',
};

/** SIGKILLs `bot` at `point` of the change on `card`; returns what the state file said then. */
async function killAt(
  w: World,
  bot: BotProcess,
  card: Card,
  point: KillPoint,
): Promise<{ reached: boolean; figures: Figures }> {
  const effect = SIDE_EFFECT[card.kind];
  const statusNow = () => operationOf(w, card)?.status;
  switch (point) {
    case 'after-ack': {
      const status = await approve(w, card);
      await bot.kill();
      return { reached: status === 200, figures: { ack: status } };
    }
    case 'on-the-wire':
    case 'on-the-wire-late': {
      const rule: FaultRule = { action: FAULT_ACTION[card.kind], kind: 'delay', ms: WIRE_DELAY_MS[point], times: 1 };
      w.sim.configure({ faults: [rule] });
      void approve(w, card).catch(() => undefined);
      const inFlight = await until(() => (w.sim.stats().calls[effect] ?? 0) >= 1, 30_000, 5);
      await bot.kill();
      return { reached: Boolean(inFlight) && w.sim.changes(effect).length === 0, figures: {} };
    }
    case 'after-answer': {
      void approve(w, card).catch(() => undefined);
      // Polled every tick in this process, which also runs the simulator: the kill follows the answer by well under a millisecond of bot time.
      const done = await until(
        () => {
          if (w.sim.changes(effect).length === 0) return false;
          bot.child.kill('SIGKILL');
          return true;
        },
        30_000,
        0,
      );
      await bot.kill();
      return { reached: Boolean(done), figures: {} };
    }
    case 'while-running': {
      await approve(w, card);
      const running = await until(() => statusNow() === 'running', 30_000, 25);
      await sleep(300);
      await bot.kill();
      return { reached: Boolean(running), figures: {} };
    }
    case 'while-publishing': {
      await approve(w, card);
      const running = await until(() => statusNow() === 'running', 30_000, 25);
      w.slack.configure({ latencyMs: 700 });
      const final = await until(
        () => {
          const m = message(w, card.ts);
          if (!m || !ENDED.test(m.text)) return false;
          bot.child.kill('SIGKILL');
          return true;
        },
        60_000,
        2,
      );
      await bot.kill();
      w.slack.configure({ latencyMs: 0 });
      return { reached: Boolean(running && final), figures: {} };
    }
  }
}

function killCase(kind: ChangeKind, point: KillPoint, quick: boolean): FaultCase {
  return {
    name: `${kind}-kill-${point}`,
    what: `SIGKILL ${KILL_WHAT[point]}, restart on the same state file: ${kind === 'install' ? 'SendCommand exactly 1, one card, one result thread, the clean result' : 'RebootInstances at most 1, one card, at most one result thread, no "not sent" once a reboot reached AWS'}`,
    quick,
    async run(w, ctx) {
      const ref = await ctx.reference(kind);
      const first = await w.startBot();
      const card = await requestCard(w, kind);
      const { reached, figures } = await killAt(w, first, card, point);
      const killedAt = Date.now();
      const atKill = operationOf(w, card)?.status ?? 'none';
      if (point === 'while-publishing') figures.threadAtKill = replies(w, card.ts).length - card.planReplies;
      await w.startBot();
      // How long the restart took against how long the request was held: which of the two came first.
      figures.restartMs = Date.now() - killedAt;
      if (point === 'on-the-wire' || point === 'on-the-wire-late') figures.wireMs = WIRE_DELAY_MS[point];
      // A click whose vote the killed process never stored is lost: the approver clicks again, as a person would.
      let reclicked = false;
      if (operationOf(w, card)?.status === 'pending') {
        reclicked = true;
        await approve(w, card);
      }
      const ended = await waitForEnd(w, card, END_TIMEOUT_MS);
      // A request still held on the wire lands later: count it before judging.
      if (point === 'on-the-wire' || point === 'on-the-wire-late')
        await sleep(Math.max(0, killedAt + WIRE_DELAY_MS[point] + 1500 - Date.now()));
      const t = tally(w, card, ended, ref.threadHead);
      const failures = judge(kind, t, ref, { sameResult: true });
      const missed = !reached || (point === 'while-publishing' && figures.threadAtKill !== 0);
      if (missed) failures.unshift(`kill point not reached (${point}; store said ${atKill})`);
      return { figures: figuresOf(t, { ...figures, atKill, ...(reclicked ? { reclicked } : {}) }), failures };
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

const KILL_POINTS: KillPoint[] = [
  'after-ack',
  'on-the-wire',
  'on-the-wire-late',
  'after-answer',
  'while-running',
  'while-publishing',
];

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
