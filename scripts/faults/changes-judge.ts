/** How a change is judged after a fault, against the clean run, and the figures it reports. */
import { Expect, type Figures } from './case';
import { SIDE_EFFECT, type ChangeKind, type Tally } from './flow';

/** How long a change may take to end after the last fault. */
export const END_TIMEOUT_MS = 90_000;

/** A change's tally as the figures a case reports, after `extra`. */
export function figuresOf(t: Tally, extra: Figures = {}): Figures {
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
export function judge(kind: ChangeKind, t: Tally, ref: { result: string }, options: { sameResult: boolean }): string[] {
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
