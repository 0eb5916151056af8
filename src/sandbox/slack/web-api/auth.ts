/** auth.test: who the token belongs to (Bolt calls it at start-up to learn the bot's ids). */
import { ok, type ApiMethod } from './method';

/** auth.test */
export const authTest: ApiMethod = {
  tier: 'none',
  handle(ctx) {
    const ws = ctx.workspace;
    return ok({
      url: `https://${ws.team.domain}.slack.com/`,
      team: ws.team.name,
      user: ws.bot.name,
      team_id: ws.team.id,
      user_id: ws.bot.userId,
      bot_id: ws.bot.botId,
      app_id: ws.bot.appId,
      is_enterprise_install: false,
    });
  },
};
