import type { SlackMessage } from '../src/slack/views/types';
import { withShareButton, type ShareRequest } from '../src/slack/views/share';
import type { Reply } from './types';

/**
 * How a read command answers: privately with a Share in channel button by default, or in the
 * channel when the user added `public`.
 */
export function readReply(shared: boolean, answer: SlackMessage, request: ShareRequest): Reply {
  return shared ? { kind: 'channel', message: answer } : { kind: 'ephemeral', message: withShareButton(answer, request) };
}
