import type { Reply, ShareRequest, View } from './reply';

/**
 * How a read command answers: privately with a Share in channel button by default, or in the
 * channel when the user added `public`.
 */
export function readReply(shared: boolean, answer: View, request: ShareRequest): Reply {
  return shared ? { kind: 'channel', message: answer } : { kind: 'ephemeral', message: answer, share: request };
}
