/**
 * The card of a scheduled change counts down to its time ("runs in patch-prd at … (in 5h 12m)"):
 * an approved change waiting for its window is published when it starts waiting, then again when
 * the countdown it shows moves, at most once a minute (or the running operations' update pace, if
 * slower), so waiting cards never crowd out the chat.update allowance of running ones.
 */
import type { Operation } from './ports';
import { scheduleOf } from './missed';
import { readResult } from './records';
import { blocking, freezeKey, type FreezeCheck } from './freeze';
import { buildReport } from './report';
import type { Schedule } from './schedule';
import { decorate, publishMessage, type TrackingContext } from './tracking-context';
import type { UpdateBudget } from './update-budget';

/** The least time between two countdown updates of one card. */
export const COUNTDOWN_MIN_INTERVAL_MS = 60_000;

const HOUR_MS = 3_600_000;

/**
 * What the countdown shows, as a key that changes when the card's words would: minutes within a
 * day of the start, hours further out ("in 2d 3h"), `open` once it may be sent.
 */
export function countdownKey(schedule: Schedule | undefined, now: Date): string {
  return schedule ? leftKey(schedule.startsAt, now) : '';
}

/** How far `at` is from `now` as the card words it: minutes within a day, hours further out, `open` once passed. */
function leftKey(at: Date, now: Date): string {
  const left = at.getTime() - now.getTime();
  if (left <= 0) return 'open';
  return left < 24 * HOUR_MS ? `m${Math.floor(left / 60_000)}` : `h${Math.floor(left / HOUR_MS)}`;
}

/**
 * Whether a card last shown with `lastSignature` at `lastPublishAt` should be published with `sig`:
 * a new state at once, a moved countdown only after the minimum interval.
 */
export function countdownDue(
  t: { lastSignature: string | undefined; lastPublishAt: number | undefined },
  sig: string,
  now: number,
  minIntervalMs: number,
): boolean {
  if (t.lastSignature === sig) return false;
  const sameState = t.lastSignature?.split('#')[0] === sig.split('#')[0];
  return !sameState || t.lastPublishAt === undefined || now - t.lastPublishAt >= minIntervalMs;
}

/** The countdown a frozen card shows to the last announced reopening of its blocking calendars, as a key ('' when none). */
export function reopensKey(check: FreezeCheck | undefined, now: Date): string {
  const until = blocking(check)
    .map((c) => c.until?.getTime())
    .filter((t): t is number => t !== undefined);
  if (until.length === 0) return '';
  return leftKey(new Date(Math.max(...until)), now);
}

/** Keeps the cards of approved changes waiting for their time up to date. */
export class Countdown {
  constructor(
    private readonly ctx: TrackingContext,
    private readonly budget: UpdateBudget,
  ) {}

  /** Publishes the waiting card of an approved, unsent change (scheduled, or frozen) when it is new, its state changed or its countdown moved. */
  async show(op: Operation): Promise<void> {
    const { clock, states } = this.ctx;
    const t = states.of(op.id);
    const now = clock.now();
    // A new freeze reading (another calendar closed, a new reopening time, an override vote) is a new state: shown at once.
    const result = readResult(op);
    // A frozen card counts down to its calendars' reopening as a scheduled one does to its start.
    const sig = `waiting|${freezeKey(result.freeze)}|${result.freezeOverride?.votes.length ?? 0}#${countdownKey(scheduleOf(op), now)}|${reopensKey(result.freeze, now)}`;
    const interval = Math.max(COUNTDOWN_MIN_INTERVAL_MS, this.budget.intervalMs());
    if (op.messageTs && !countdownDue(t, sig, now.getTime(), interval)) return;
    const report = await decorate(this.ctx, op, buildReport(op, [], new Map(), readResult(op).failures));
    await publishMessage(this.ctx, op, report, op.messageTs ? 'progress' : 'started', sig);
  }
}
