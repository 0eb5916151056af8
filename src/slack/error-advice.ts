/**
 * The one table from Slack Web API error codes to what a person reads: what happened and the fix.
 * Every place a Web API failure reaches a user or the log (authorizer, deliver, poster, publisher,
 * channel resolution) words it through `slackAdvice`, so `missing_scope` always names the scope,
 * a refused token always names SLACK_BOT_TOKEN, and an archived channel is never "invite the bot".
 */
import { SlackError } from '../errors';
import { channel as channelName, plainSentence, said, type Sentence } from '../sentence';
import { authProblem } from './auth-check';

/** What a Slack error means for the person who has to act on it. */
export interface SlackAdvice {
  /** Slack's error code (`not_in_channel`, ...), `ratelimited` for a 429, or `http_<status>` / the network error. */
  code: string;
  /** What happened and what to do, naming the channel (if any) by id. */
  text: Sentence;
  /** The call may have been carried out all the same (Slack documents this for internal_error and timeouts). */
  uncertain: boolean;
  /** Posting in this channel fails until someone fixes the channel (invite, unarchive, a right id). */
  channelProblem: boolean;
  /** The app itself needs fixing (token, scope, reinstall): no retry helps. */
  appProblem: boolean;
}

/** Where the failing call was made. */
export interface SlackCallSite {
  /** The Web API method, e.g. `chat.postMessage`. */
  method: string;
  /** The channel id (or configured name) the call named, if any. */
  channel?: string | undefined;
}

/** Codes after which the call may have happened all the same. */
const UNCERTAIN = new Set(['internal_error', 'fatal_error', 'request_timeout', 'service_unavailable']);
/** Codes that mean the message's content was refused: a patchbot bug, never the user's. */
const CONTENT = new Set([
  'msg_too_long',
  'msg_blocks_too_long',
  'invalid_blocks',
  'invalid_blocks_format',
  'too_many_blocks',
  'no_text',
  'invalid_attachments',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'metadata_too_large',
]);
/** Codes of a token Slack no longer accepts. */
const TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'not_allowed_token_type',
  'invalid_token',
  'team_access_not_granted',
  'team_is_restricted',
]);

/** The Slack code of a WebClient failure: Slack's `error`, `ratelimited` for a 429, `http_<status>`, or the network error; undefined for anything else. */
export function slackCodeOf(err: unknown): string | undefined {
  const e = err as
    | {
        code?: unknown;
        data?: { error?: unknown };
        statusCode?: unknown;
        original?: { code?: unknown; cause?: { code?: unknown } };
      }
    | undefined;
  switch (e?.code) {
    case 'slack_webapi_platform_error':
      return typeof e.data?.error === 'string' ? e.data.error : 'unknown_error';
    case 'slack_webapi_rate_limited_error':
      return 'ratelimited';
    case 'slack_webapi_http_error':
      return `http_${typeof e.statusCode === 'number' ? e.statusCode : 0}`;
    case 'slack_webapi_request_error': {
      const code = e.original?.cause?.code ?? e.original?.code;
      return typeof code === 'string' && code !== '' ? code : 'request_error';
    }
    default:
      return undefined;
  }
}

/** The scopes `missing_scope` says are needed (`needed`), and those the token has (`provided`). */
function scopesOf(err: unknown): { needed: string | undefined; provided: string | undefined } {
  const data = (err as { data?: { needed?: unknown; provided?: unknown } } | undefined)?.data;
  return {
    needed: typeof data?.needed === 'string' ? data.needed : undefined,
    provided: typeof data?.provided === 'string' ? data.provided : undefined,
  };
}

/** What a Web API failure means and how to fix it; undefined when `err` is not a WebClient failure. */
export function slackAdvice(err: unknown, site: SlackCallSite): SlackAdvice | undefined {
  const code = slackCodeOf(err);
  if (code === undefined) return undefined;
  const advice = (
    text: Sentence,
    flags: Partial<Pick<SlackAdvice, 'channelProblem' | 'appProblem'>> = {},
  ): SlackAdvice => ({
    code,
    text,
    uncertain: UNCERTAIN.has(code) || code === 'ETIMEDOUT' || code === 'ECONNRESET',
    channelProblem: flags.channelProblem ?? false,
    appProblem: flags.appProblem ?? false,
  });
  const where = site.channel ? channelName(site.channel) : undefined;
  const inChannel = where ? said` in ${where}` : said``;
  if (TOKEN.has(code))
    return advice(
      [
        authProblem(code, 'SLACK_BOT_TOKEN') ??
          `Slack refused SLACK_BOT_TOKEN (${code}): reinstall the app and set SLACK_BOT_TOKEN to its Bot User OAuth Token`,
      ],
      { appProblem: true },
    );
  if (UNCERTAIN.has(code)) {
    return advice(
      said`Slack had trouble with ${site.method}${inChannel} (${code}); it may have been done all the same, so check before trying again. If it keeps happening, see https://slack-status.com.`,
    );
  }
  if (CONTENT.has(code)) {
    return advice(
      said`Slack refused the content of a message${inChannel} (${code}): this is a patchbot bug, please report it with this line from the log.`,
    );
  }
  switch (code) {
    case 'missing_scope': {
      const { needed, provided } = scopesOf(err);
      const scope = needed ?? `the scope ${site.method} needs`;
      const has = provided ? ` (it has ${provided})` : '';
      return advice(
        [
          `patchbot's Slack app lacks the ${scope} scope for ${site.method}${has} (missing_scope): add ${scope} to the app's bot token scopes (manifest.yml lists them all), reinstall the app to the workspace, and restart patchbot with the new SLACK_BOT_TOKEN if it changed.`,
        ],
        { appProblem: true },
      );
    }
    case 'not_in_channel':
      return advice(
        said`patchbot is not a member of ${where ?? 'the channel'} (not_in_channel): invite it there with /invite @patchbot.`,
        { channelProblem: true },
      );
    case 'is_archived':
      return advice(
        said`${where ?? 'The channel'} is archived (is_archived): unarchive it, or set the group's channel in patchbot.yml to a channel that is in use and restart patchbot.`,
        { channelProblem: true },
      );
    case 'channel_not_found':
      return advice(
        said`Slack does not know the channel${where ? said` ${where}` : undefined} (channel_not_found): the id in patchbot.yml is wrong, or it is a private channel patchbot is not in. Check the channel (its id is at the bottom of its details), or invite patchbot with /invite @patchbot.`,
        { channelProblem: true },
      );
    case 'ratelimited':
      return advice(
        said`Slack is rate limiting patchbot (ratelimited) for ${site.method}: it waits and tries again by itself.`,
      );
    default:
      if (code.startsWith('http_') || code === 'request_error' || /^E[A-Z_]+$/.test(code)) {
        return advice(
          said`patchbot could not reach Slack for ${site.method} (${code}): check the network (and SLACK_API_URL if set); it tries again.`,
        );
      }
      return advice(
        said`Slack refused ${site.method}${inChannel} (${code}): see https://api.slack.com/methods/${site.method} for what ${code} means.`,
      );
  }
}

/** The advice as one plain line for logs (ids as they are). */
export function adviceLine(advice: SlackAdvice): string {
  return plainSentence(advice.text);
}

/** A Web API failure as a SlackError that tells the user what happened and the fix; other errors are returned as they are. */
export function slackFailure(err: unknown, site: SlackCallSite): unknown {
  const advice = slackAdvice(err, site);
  if (!advice) return err;
  const kind =
    advice.appProblem && advice.code !== 'missing_scope'
      ? 'SLACK_AUTH'
      : advice.code === 'ratelimited' || advice.uncertain || advice.code.startsWith('http_')
        ? 'SLACK_UNAVAILABLE'
        : 'SLACK_ERROR';
  return new SlackError(
    kind,
    `${site.method}: ${advice.code}`,
    { method: site.method, slackCode: advice.code },
    { userText: advice.text, cause: err },
  );
}
