/** Cases that SIGKILL the bot at each step of an approved PRD change and restart it on the same state file. */
import type { FaultRule } from '@patchbot/sandbox/aws';
import type { FaultCase, Figures } from './case';
import {
  FAULT_ACTION,
  SIDE_EFFECT,
  approve,
  message,
  ENDED,
  operationOf,
  replies,
  requestCard,
  tally,
  waitForEnd,
  type Card,
  type ChangeKind,
} from './flow';
import { sleep, until, type BotProcess, type World } from './world';
import { END_TIMEOUT_MS, figuresOf, judge } from './changes-judge';

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

/** SIGKILL at `point` of an approved `kind`, a restart on the same state file, then the change judged against the clean run. */
export function killCase(kind: ChangeKind, point: KillPoint, quick: boolean): FaultCase {
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

/** Every point a change is killed at, in the order the change passes them. */
export const KILL_POINTS: KillPoint[] = [
  'after-ack',
  'on-the-wire',
  'on-the-wire-late',
  'after-answer',
  'while-running',
  'while-publishing',
];
