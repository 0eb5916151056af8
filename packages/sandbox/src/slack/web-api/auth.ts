/** auth.test: who the token belongs to (Bolt calls it at start-up to learn the bot's ids); bots.info. */
import { fail, ok, type ApiMethod } from './method';

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
      ...(ws.enterprise ? { enterprise_id: ws.enterprise.id } : {}),
      is_enterprise_install: ws.orgInstall,
    });
  },
};

/** bots.info: the bot's app (patchbot asks when auth.test does not name the app). */
export const botsInfo: ApiMethod = {
  tier: 3,
  handle(ctx, args) {
    const { bot } = ctx.workspace;
    if (args.string('bot') !== bot.botId) return fail('bot_not_found');
    return ok({
      bot: { id: bot.botId, deleted: false, name: bot.name, updated: 0, app_id: bot.appId, user_id: bot.userId },
    });
  },
};
