/** users.info: a person (or the bot) by id. */
import { botUserJson, userJson } from '../wire';
import { fail, ok, type ApiMethod } from './method';

/** users.info */
export const usersInfo: ApiMethod = {
  tier: 4,
  handle(ctx, args) {
    const id = args.string('user');
    if (!id) return fail('user_not_found');
    const ws = ctx.workspace;
    if (id === ws.bot.userId) return ok({ user: botUserJson(ws) });
    const user = ws.user(id);
    return user ? ok({ user: userJson(user, ws) }) : fail('user_not_found');
  },
};
