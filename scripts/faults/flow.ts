/**
 * The steps every change case shares: ask for a PRD change as alice, approve it as bob, wait for
 * the end, and count what happened from the simulator's change journal and the stand-in's records.
 */
import { DEMO_IDS, type SlackMessage } from '@patchbot/sandbox/slack';
import { sleep, until, type World } from './world';

export const { users, channels } = DEMO_IDS;
export const APPROVE = 'patchbot.approve';
/** An operation message's fallback text once the operation has ended. */
export const ENDED = /\b(succeeded|finished with problems|failed|was cancelled|was not sent|expired)\b/;
/** Operation states after which nothing more happens. */
export const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'rejected', 'expired']);
/** Words a card must not use once the change reached AWS. */
export const NOTHING_CHANGED =
  /nothing was (changed|sent|rebooted)|was not sent|no instance was rebooted|not rebooted/i;

export type ChangeKind = 'install' | 'reboot';

/** The command that asks for a change of `kind` on PRD. */
export const COMMAND: Record<ChangeKind, string> = { install: 'install PRD', reboot: 'reboot PRD all' };
/** The simulator journal operation that is the change's side effect. */
export const SIDE_EFFECT: Record<ChangeKind, string> = { install: 'SendCommand', reboot: 'RebootInstances' };
/** The simulator fault action of that side effect. */
export const FAULT_ACTION: Record<ChangeKind, string> = { install: 'ssm:SendCommand', reboot: 'ec2:RebootInstances' };

const isTop = (m: SlackMessage) => m.thread_ts === undefined || m.thread_ts === m.ts;
const cardPattern = (kind: ChangeKind) => new RegExp(`\\b${kind === 'install' ? 'Install' : 'Reboot'}\\b.*\\bPRD\\b`);

/** A card posted for a change, and how many thread replies it had when approved (the plan's). */
export interface Card {
  kind: ChangeKind;
  ts: string;
  planReplies: number;
}

export function replies(w: World, ts: string): SlackMessage[] {
  return w.slack.messages(channels.prd).filter((m) => m.thread_ts === ts && m.ts !== ts);
}

export function message(w: World, ts: string): SlackMessage | undefined {
  return w.slack.messages(channels.prd).find((m) => m.ts === ts);
}

/** `/patch install PRD` (or reboot) as alice; the approval card once posted. */
export async function requestCard(w: World, kind: ChangeKind): Promise<Card> {
  const seen = new Set(w.slack.messages(channels.prd).map((m) => m.ts));
  const r = await w.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: COMMAND[kind] });
  if (r.status !== 200) throw new Error(`/patch ${COMMAND[kind]} was answered HTTP ${r.status}`);
  const card = await until(
    () =>
      w.slack.messages(channels.prd).find((m) => !seen.has(m.ts) && isTop(m) && /waiting for approval/.test(m.text)),
    20_000,
  );
  if (!card) throw new Error(`no approval card for ${COMMAND[kind]} within 20 s`);
  // The plan's thread replies follow the card.
  await sleep(400);
  return { kind, ts: card.ts, planReplies: replies(w, card.ts).length };
}

/** bob clicks Approve; resolves when the bot acknowledged (HTTP status). */
export async function approve(w: World, card: Card): Promise<number> {
  const r = await w.slack.driver.blockAction({
    userId: users.bob,
    channelId: channels.prd,
    messageTs: card.ts,
    actionId: APPROVE,
  });
  return r.status;
}

/** The state file's view of the card's operation. */
export function operationOf(w: World, card: Card) {
  return (
    w.operations().find((o) => o.messageTs === card.ts) ??
    w.operations().find((o) => o.kind === card.kind && o.group === 'PRD')
  );
}

/** Waits until the card shows an end and the store has the operation final; then a little longer for strays. */
export async function waitForEnd(w: World, card: Card, timeoutMs: number): Promise<boolean> {
  const ended = await until(
    () => {
      const m = message(w, card.ts);
      const op = operationOf(w, card);
      return m && ENDED.test(m.text) && op && FINAL.has(op.status);
    },
    timeoutMs,
    200,
  );
  // Anything posted twice is posted within a few tracker passes.
  await sleep(ended ? 4000 : 0);
  return Boolean(ended);
}

/** What a change case counts. */
export interface Tally {
  sends: number;
  reboots: number;
  cards: number;
  /** How many times the result thread was posted (its first reply's text, counted). */
  threads: number;
  /** The card's first line now, without its emoji. */
  result: string;
  status: string;
  ended: boolean;
  /** The card says nothing changed although the side effect reached AWS. */
  falseNothing: boolean;
}

/** The first line of a card's text without the leading emoji. */
export function headline(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/^[^\p{L}\p{N}]+/u, '').trim();
}

/** The first text of the result thread, learnt from a clean run (or the first reply after the plan's). */
export function resultThreadHead(w: World, card: Card): string | undefined {
  return replies(w, card.ts).slice(card.planReplies)[0]?.text.split('\n')[0];
}

export function tally(w: World, card: Card, ended: boolean, threadHead: string | undefined): Tally {
  const cards = w.slack.messages(channels.prd).filter((m) => isTop(m) && cardPattern(card.kind).test(m.text)).length;
  const after = replies(w, card.ts).slice(card.planReplies);
  const threads =
    threadHead === undefined ? after.length : after.filter((m) => m.text.split('\n')[0] === threadHead).length;
  const text = message(w, card.ts)?.text ?? '';
  const sends = w.sim.changes('SendCommand').length;
  const reboots = w.sim.changes('RebootInstances').length;
  const effect = card.kind === 'install' ? sends : reboots;
  return {
    sends,
    reboots,
    cards,
    threads,
    result: headline(text),
    status: operationOf(w, card)?.status ?? 'none',
    ended,
    falseNothing: effect > 0 && NOTHING_CHANGED.test(text),
  };
}
