/**
 * conversations.open for one person: the bot's direct-message conversation with them (the app's
 * Messages tab), which chat.postMessage and files.completeUploadExternal then take as a channel.
 * Slack asks for the im:write scope; the stand-in checks no scopes.
 */
import type { JsonObject } from '../types';
import { dmChannelId } from './chat';
import { fail, ok, type ApiMethod } from './method';

/** conversations.open with `users` (one user id; several would be a group DM, which the stand-in does not model) or `channel`. */
export const conversationsOpen: ApiMethod = {
  tier: 3,
  handle(ctx, args) {
    const users = args.string('users');
    const channel = args.string('channel');
    if (!users && !channel) return fail('users_list_not_supplied');
    if (channel) {
      const person = channel.startsWith('D') ? ctx.workspace.user(`U${channel.slice(1)}`) : undefined;
      return person ? ok({ channel: { id: channel } }) : fail('channel_not_found');
    }
    const ids = (users ?? '').split(',').map((u) => u.trim());
    if (ids.length > 1)
      return fail('not_implemented', { detail: 'the stand-in models direct messages with one person' });
    const person = ctx.workspace.user(ids[0] ?? '');
    if (!person) return fail('user_not_found');
    const id = dmChannelId(person.id);
    const body: JsonObject = args.bool('return_im') ? { id, is_im: true, user: person.id } : { id };
    return ok({ channel: body, no_op: true, already_open: true });
  },
};
