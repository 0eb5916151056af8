/** The Slack Web API error code (`channel_not_found`, `not_in_channel`, ...) of a WebClient failure, if any. */
export function slackErrorCode(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } } | undefined;
  return e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
}

/** Errors that mean the bot cannot post in a channel until someone invites it or fixes the id. */
export const CHANNEL_ACCESS_ERRORS = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);
