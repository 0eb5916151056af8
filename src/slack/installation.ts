/**
 * Where the bot is installed, learned once at start from the bot token: `auth.test` names the
 * workspace, the enterprise and whether the install is org-wide; the app id comes from the same
 * answer when Slack includes it, else from `bots.info` for the bot id (scope users:read). The
 * request guard compares every request's team, enterprise and app with it.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { SlackError } from '../errors';
import type { Installation } from './request-guard';

const AuthTestSchema = z.object({
  team_id: z.string().min(1),
  enterprise_id: z
    .string()
    .nullish()
    .transform((v) => v || undefined),
  is_enterprise_install: z.boolean().nullish(),
  app_id: z
    .string()
    .nullish()
    .transform((v) => v || undefined),
  bot_id: z
    .string()
    .nullish()
    .transform((v) => v || undefined),
});

const BotsInfoSchema = z.object({ bot: z.object({ app_id: z.string().min(1) }) });

/** Asks Slack where the token is installed; throws a SlackError naming what is missing. */
export async function learnInstallation(client: Pick<WebClient, 'auth' | 'bots'>): Promise<Installation> {
  const auth = AuthTestSchema.safeParse(await client.auth.test());
  if (!auth.success) {
    throw new SlackError(
      'SLACK_ERROR',
      `auth.test did not name the workspace: ${auth.error.message}`,
      { method: 'auth.test' },
      {
        userMessage:
          'Slack did not say which workspace SLACK_BOT_TOKEN belongs to (auth.test); check the token is a bot token (xoxb-…).',
      },
    );
  }
  const { team_id: teamId, enterprise_id: enterpriseId, is_enterprise_install: org, bot_id: botId } = auth.data;
  let appId = auth.data.app_id;
  let refused: string | undefined;
  if (!appId && botId) {
    try {
      const info = BotsInfoSchema.safeParse(
        await client.bots.info({ bot: botId, ...(org ? { team_id: enterpriseId ?? teamId } : {}) }),
      );
      if (info.success) appId = info.data.bot.app_id;
    } catch (err) {
      const code = (err as { data?: { error?: unknown } }).data?.error;
      if (typeof code !== 'string') throw err;
      refused = code;
    }
  }
  if (!appId) {
    throw new SlackError(
      'SLACK_ERROR',
      `could not learn the app id of bot ${botId ?? '(none)'}${refused ? ` (bots.info: ${refused})` : ''}`,
      { method: 'bots.info', slackCode: refused },
      {
        userMessage: `Slack did not say which app SLACK_BOT_TOKEN belongs to${refused ? ` (bots.info answered ${refused})` : ''}: grant the bot scope users:read as manifest.yml does, and reinstall the app.`,
      },
    );
  }
  return { teamId, enterpriseId, isEnterpriseInstall: org === true, appId };
}
