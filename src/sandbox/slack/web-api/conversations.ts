/** conversations.info: a channel by id, as the bot sees it (is_member tells whether it was invited). */
import { channelJson } from '../wire';
import { fail, ok, type ApiMethod } from './method';

/** conversations.info */
export const conversationsInfo: ApiMethod = {
  tier: 3,
  handle(ctx, args) {
    const ref = args.string('channel');
    const channel = ref ? ctx.workspace.channel(ref) : undefined;
    if (!channel || channel.id !== ref) return fail('channel_not_found');
    return ok({ channel: channelJson(channel, ctx.workspace) });
  },
};
