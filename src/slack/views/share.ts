/**
 * The "Share in channel" button under a private answer to a read command (status, baseline,
 * windows). Its value names the command and group, never the answer: the click runs the command
 * again for the clicker, with the same operator check, and posts the fresh answer in the channel.
 */
import { Blocks, Elements } from 'slack-block-builder';
import type { KnownBlock } from '@slack/types';
import { SLACK_LIMITS } from '../limits';
import { blocks, message } from './blocks';
import type { SlackMessage } from './message';
import type { ShareRequest } from '../../../commands/reply';

export { SHAREABLE_COMMANDS, type ShareRequest } from '../../../commands/reply';

/** `action_id` of the Share in channel button. */
export const SHARE_ACTION = 'patchbot.share';

/** The button's value: `{"command":"status","group":"PRD"}`, far under Slack's 2,000 characters. */
export function shareValue(request: ShareRequest): string {
  const value = JSON.stringify(
    request.group === undefined ? { command: request.command } : { command: request.command, group: request.group },
  );
  if (value.length > SLACK_LIMITS.buttonValue) throw new RangeError(`share value of ${value.length} characters`);
  return value;
}

/** The `/patch` text a Share click runs: the same command, made public. */
export function shareCommandText(request: ShareRequest): string {
  return [request.command, request.group, 'public'].filter((w) => w !== undefined).join(' ');
}

/** The private answer with a Share in channel button at its end (the thread parts are left as they are). */
export function withShareButton(answer: SlackMessage, request: ShareRequest): SlackMessage {
  const button = blocks(
    Blocks.Actions().elements(
      Elements.Button({ text: 'Share in channel', actionId: SHARE_ACTION, value: shareValue(request) }),
    ),
  );
  // Keep the button inside Slack's 50 blocks: it matters more than a last block of detail.
  const kept: KnownBlock[] = answer.blocks.slice(0, SLACK_LIMITS.messageBlocks - button.length);
  return message(answer.text, [...kept, ...button], answer.thread);
}
