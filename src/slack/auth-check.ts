/**
 * Whether Slack accepts the bot token, and what to do when it does not. `slackAuthTest` calls
 * `auth.test` (what Bolt itself calls at start-up) for `npm run check`; `slackStartError` turns a
 * WebClient failure at start-up (Bolt's init, the Socket Mode connection) into a SlackError whose
 * user message names the variable and the fix, instead of "Something went wrong".
 */
import { webApi } from '@slack/bolt';
import { SlackError, toPatchbotError, type PatchbotError } from '../errors';
import type { Logger } from '../logger';
import { boltLogger } from './bolt-logger';

/** Slack's Web API base when SLACK_API_URL is not set. */
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** Who the bot token belongs to, as auth.test answers. */
export interface SlackIdentity {
  /** The bot user's name, e.g. `patchbot`. */
  user: string;
  userId: string;
  botId: string | undefined;
  /** The workspace name. */
  team: string;
  teamId: string;
  /** The workspace URL, e.g. `https://acme.slack.com/`. */
  url: string;
}

/** Which variable holds the token a failing call used. */
export type SlackTokenVariable = 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN';

/** Where patchbot talks to Slack, and with what. */
export interface SlackAuthTarget {
  botToken: string;
  /** SLACK_API_URL, when set. */
  apiUrl: string | undefined;
}

/**
 * Calls `auth.test` with the bot token: one retry, a 10 s timeout, no waiting out rate limits.
 * Resolves with the bot and workspace; throws a SlackError saying what is wrong and what to do.
 */
export async function slackAuthTest(
  target: SlackAuthTarget,
  logger: Logger,
  options: { timeoutMs?: number } = {},
): Promise<SlackIdentity> {
  const client = new webApi.WebClient(target.botToken, {
    ...(target.apiUrl ? { slackApiUrl: target.apiUrl } : {}),
    logger: boltLogger(logger.child({ subsystem: 'slack' })),
    retryConfig: { retries: 1, minTimeout: 500, maxTimeout: 1000 },
    timeout: options.timeoutMs ?? 10_000,
    rejectRateLimitedCalls: true,
  });
  let out: Awaited<ReturnType<typeof client.auth.test>>;
  try {
    out = await client.auth.test();
  } catch (err) {
    throw slackStartError(err, { variable: 'SLACK_BOT_TOKEN', apiUrl: target.apiUrl, method: 'auth.test' });
  }
  return {
    user: out.user ?? '',
    userId: out.user_id ?? '',
    botId: out.bot_id || undefined,
    team: out.team ?? '',
    teamId: out.team_id ?? '',
    url: out.url ?? '',
  };
}

/**
 * A Web API client for the app-level token (Socket Mode's `apps.connections.open`): the token goes
 * in the Authorization header only, as that method requires, and a 429 is answered, not waited out.
 */
export function appTokenClient(
  target: { appToken: string; apiUrl: string | undefined },
  logger: webApi.Logger,
  options: { retries: number; timeoutMs: number },
): webApi.WebClient {
  return new webApi.WebClient(undefined, {
    headers: { Authorization: `Bearer ${target.appToken}` },
    ...(target.apiUrl ? { slackApiUrl: target.apiUrl } : {}),
    logger,
    retryConfig: options.retries > 0 ? { retries: options.retries, minTimeout: 500, maxTimeout: 1000 } : { retries: 0 },
    timeout: options.timeoutMs,
    rejectRateLimitedCalls: true,
  });
}

/**
 * Asks `apps.connections.open` with the app-level token (Socket Mode), as the receiver does at start:
 * Slack issues a WebSocket URL, which is left unused (it expires on its own). Throws a SlackError
 * naming SLACK_APP_TOKEN and the fix when Slack refuses it or cannot be reached.
 */
export async function slackAppTokenTest(
  target: { appToken: string; apiUrl: string | undefined },
  logger: Logger,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const client = appTokenClient(target, boltLogger(logger.child({ subsystem: 'slack' })), {
    retries: 1,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  try {
    await client.apiCall('apps.connections.open');
  } catch (err) {
    throw slackStartError(err, { variable: 'SLACK_APP_TOKEN', apiUrl: target.apiUrl, method: 'apps.connections.open' });
  }
}

/** The identity as one plain line: "bot @patchbot (U0…) in workspace Acme (T0…, https://acme.slack.com/)". */
export function describeSlackIdentity(me: SlackIdentity): string {
  const ids = [me.userId, me.botId].filter(Boolean).join(', ');
  return `bot @${me.user}${ids ? ` (${ids})` : ''} in workspace ${me.team} (${[me.teamId, me.url].filter(Boolean).join(', ')})`;
}

/** What a failing token looks like to the person who set it, per Slack error code (shared with error-advice.ts). */
export function authProblem(code: string, variable: SlackTokenVariable): string | undefined {
  const where =
    variable === 'SLACK_BOT_TOKEN'
      ? "the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page"
      : "an app-level token (xapp-…) with connections:write from the app's Basic Information page";
  switch (code) {
    case 'invalid_auth':
      return `Slack does not accept ${variable} (invalid_auth): the token is mistyped, from another app, or was replaced. Set ${variable} to ${where}`;
    case 'not_authed':
      return `Slack received no token (not_authed): set ${variable} to ${where}`;
    case 'token_revoked':
      return `Slack says ${variable} was revoked (token_revoked): the app was uninstalled or the token was regenerated. Reinstall the app to the workspace and set ${variable} to ${where}`;
    case 'token_expired':
      return `Slack says ${variable} has expired (token_expired): the app uses token rotation, which patchbot does not refresh. Turn token rotation off for the app, reinstall it, and set ${variable} to ${where}`;
    case 'account_inactive':
      return `Slack says the account behind ${variable} is inactive (account_inactive): the app's bot user or the workspace was deactivated. Reinstall the app in an active workspace and set ${variable} to ${where}`;
    case 'not_allowed_token_type':
      return `Slack does not take this kind of token here (not_allowed_token_type): set ${variable} to ${where}`;
    case 'invalid_token':
      return `Slack says ${variable} is not a token (invalid_token): set it to ${where}`;
    case 'team_access_not_granted':
    case 'team_is_restricted':
      return `Slack refuses the workspace for this token (${code}): ask a workspace admin to allow the app, then reinstall it and set ${variable} to ${where}`;
    default:
      return undefined;
  }
}

/**
 * A Web API failure while starting (or checking) → SlackError with a plain fix: a refused token
 * names the variable; a network failure names the URL and SLACK_API_URL; rate limits and Slack's
 * own trouble say to retry. Anything else is kept as it was (a PatchbotError, or INTERNAL).
 */
export function slackStartError(
  err: unknown,
  context: { variable: SlackTokenVariable; apiUrl: string | undefined; method: string },
): PatchbotError {
  const e = err as
    | { code?: unknown; data?: { error?: unknown }; statusCode?: unknown; original?: unknown; retryAfter?: unknown }
    | undefined;
  const url = context.apiUrl ?? DEFAULT_SLACK_API_URL;
  const via = context.apiUrl ? ' (SLACK_API_URL)' : '';
  const method = context.method;
  switch (e?.code) {
    case webApi.ErrorCode.PlatformError: {
      const code = typeof e.data?.error === 'string' ? e.data.error : 'unknown_error';
      const problem = authProblem(code, context.variable);
      if (problem)
        return new SlackError(
          'SLACK_AUTH',
          `${method}: ${code}`,
          { method, slackCode: code },
          { userMessage: problem, cause: err },
        );
      return new SlackError(
        'SLACK_ERROR',
        `${method}: ${code}`,
        { method, slackCode: code },
        {
          userMessage: `Slack refused ${method} (${code}): see https://api.slack.com/methods/${method} for what it means, and check ${context.variable}`,
          cause: err,
        },
      );
    }
    case webApi.ErrorCode.RateLimitedError:
      return new SlackError(
        'SLACK_UNAVAILABLE',
        `${method}: ratelimited`,
        { method, slackCode: 'ratelimited' },
        {
          userMessage: `Slack is rate limiting this app (ratelimited${typeof e.retryAfter === 'number' ? `, retry after ${e.retryAfter} s` : ''}): wait a minute and try again`,
          cause: err,
        },
      );
    case webApi.ErrorCode.HTTPError: {
      const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
      const fix =
        status >= 500
          ? 'Slack is having trouble; see https://slack-status.com and try again in a few minutes'
          : `check that ${url}${via} is Slack's Web API base URL (https://slack.com/api/ unless you use a stand-in)`;
      return new SlackError(
        'SLACK_UNAVAILABLE',
        `${method}: HTTP ${status}`,
        { method, slackCode: `http_${status}` },
        {
          userMessage: `Slack's Web API at ${url}${via} answered HTTP ${status}: ${fix}`,
          cause: err,
        },
      );
    }
    case webApi.ErrorCode.RequestError: {
      const reason = networkReason(e.original);
      return new SlackError(
        'SLACK_UNAVAILABLE',
        `${method}: ${reason}`,
        { method, slackCode: reason },
        {
          userMessage: `Could not reach Slack at ${url}${via} (${reason}): check the network, DNS, proxy and firewall${context.apiUrl ? ', and SLACK_API_URL' : ''}, then try again`,
          cause: err,
        },
      );
    }
    default:
      return toPatchbotError(err);
  }
}

/** The most telling part of a network error: ECONNREFUSED, ENOTFOUND, a timeout, or the message. */
function networkReason(original: unknown): string {
  const o = original as
    | { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } }
    | undefined;
  const code = o?.cause?.code ?? o?.code;
  if (typeof code === 'string' && code !== '') return code;
  const message =
    typeof (o?.cause?.message ?? o?.message) === 'string'
      ? String(o?.cause?.message ?? o?.message).replace(/^TypeError: /, '')
      : '';
  // fetch's own wording says nothing more than that the connection failed.
  return message === '' || message === 'fetch failed' ? 'connection failed' : message;
}
