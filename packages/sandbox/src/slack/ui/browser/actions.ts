/** Clicking a message button as the selected user: the click goes to the bot as Slack would send it. */
import type { UiElement } from '../state-types';
import { plain } from './mrkdwn';
import { answer, ask, failed, post } from './requests';
import { hooks, session } from './session';

/** Where a button sits: its message's ts (or the Home tab) and its block's id. */
export interface BlockCtx {
  ts: string;
  blockId?: string;
  /** The button is in the user's Home tab, not on a message. */
  home?: boolean;
}

/** A button's label in the status line: its text, else its action id. */
export function buttonLabel(b: UiElement): string {
  return String(plain(b.text) || b.action_id);
}

/** Sends a button's click, then shows the answer and polls. */
export function act(b: UiElement, ctx: BlockCtx): void {
  const label = buttonLabel(b);
  const n = ask(`sending ${label}...`);
  const sent = ctx.home
    ? post('/_ui/home-action', { userId: session.userId, actionId: b.action_id, blockId: ctx.blockId || '' })
    : post('/_ui/action', {
        userId: session.userId,
        channelId: session.channelId,
        messageTs: ctx.ts,
        actionId: b.action_id,
        blockId: ctx.blockId || '',
      });
  sent.then((r) => {
    answer(r, label, n);
    hooks.poll();
  }, failed);
}
