/**
 * The Web API endpoint, `POST <url>/api/<method>`: decodes form, JSON or query arguments, checks
 * the bot token (Bearer header or `token` argument), applies latency, an outage, injected faults
 * and rate limits, runs the method and records the call. Answers are HTTP 200 `{ok:...}` like
 * Slack's, except rate limiting: HTTP 429 with `Retry-After`. An unreachable Slack resets the
 * connection (recorded with status 0); a hung call whose client gave up is recorded with status 0
 * and not handled.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StandInContext } from '../context';
import { delay, mediaType, parseForm, readBody, sendJson } from '../http';
import type { CallRecord, JsonObject } from '../types';
import { authTest, botsInfo } from './auth';
import { chatDelete, chatGetPermalink, chatPostEphemeral, chatPostMessage, chatUpdate } from './chat';
import { conversationsHistory, conversationsInfo, conversationsList, conversationsReplies } from './conversations';
import { conversationsOpen } from './im';
import { filesCompleteUploadExternal, filesGetUploadURLExternal } from './files';
import { ApiArgs, type ApiMethod, type ApiResult } from './method';
import { usergroupsList, usergroupsUsersList } from './usergroups';
import { usersInfo } from './users';
import { viewsOpen, viewsPublish, viewsUpdate } from './views';

/** Every method the stand-in models. */
export const METHODS: Readonly<Record<string, ApiMethod>> = {
  'auth.test': authTest,
  'bots.info': botsInfo,
  'chat.postMessage': chatPostMessage,
  'chat.update': chatUpdate,
  'chat.delete': chatDelete,
  'chat.postEphemeral': chatPostEphemeral,
  'chat.getPermalink': chatGetPermalink,
  'usergroups.list': usergroupsList,
  'usergroups.users.list': usergroupsUsersList,
  'users.info': usersInfo,
  'conversations.info': conversationsInfo,
  'conversations.list': conversationsList,
  'conversations.history': conversationsHistory,
  'conversations.replies': conversationsReplies,
  'views.open': viewsOpen,
  'conversations.open': conversationsOpen,
  'files.getUploadURLExternal': filesGetUploadURLExternal,
  'files.completeUploadExternal': filesCompleteUploadExternal,
  'views.update': viewsUpdate,
  'views.publish': viewsPublish,
};

/** Arguments that arrive JSON-encoded in form bodies; decoded for the call record. */
const JSON_ARGS = ['blocks', 'view', 'attachments', 'metadata', 'files'];

/** Decodes the request's arguments; undefined when the body cannot be read. */
async function readArgs(req: IncomingMessage, url: URL): Promise<Record<string, unknown> | undefined> {
  const query: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (req.method !== 'POST') return query;
  const body = await readBody(req);
  if (body === '') return query;
  const type = mediaType(req);
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? { ...query, ...(parsed as Record<string, unknown>) }
        : undefined;
    } catch {
      return undefined;
    }
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'text/plain' || type === '')
    return { ...query, ...parseForm(body) };
  return undefined;
}

/** The call's arguments as recorded: no token, JSON-valued arguments decoded. */
function recordedArgs(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'token') continue;
    if (JSON_ARGS.includes(k) && typeof v === 'string') {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // kept as sent
      }
    }
    out[k] = v;
  }
  return out;
}

/** The bearer token, if any. */
function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Handles one Web API request. */
export async function handleWebApi(
  ctx: StandInContext,
  method: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const at = ctx.clock.now();
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await readArgs(req, url);
  } catch {
    raw = undefined;
  }
  const headerToken = bearer(req);
  const bodyToken = typeof raw?.token === 'string' ? raw.token : undefined;
  const record: CallRecord = {
    method,
    args: recordedArgs(raw ?? {}),
    at,
    auth: headerToken ? 'bearer' : bodyToken ? 'body' : 'none',
    status: 200,
    response: {},
  };
  const answer = (status: number, body: JsonObject, headers: Record<string, string> = {}): void => {
    record.status = status;
    record.response = body;
    ctx.recordCall(record);
    ctx.logger.debug({ method, status, ok: body.ok, error: body.error }, 'web api call');
    sendJson(res, status, body, headers);
  };
  const error = (code: string, detail: JsonObject = {}): void => answer(200, { ok: false, error: code, ...detail });

  /** The connection is reset without an answer (an unreachable Slack, a client that gave up). */
  const drop = (): void => {
    record.status = 0;
    record.response = { dropped: true };
    ctx.recordCall(record);
    req.socket.destroy();
  };

  await delay(ctx.knobs.latencyMs);
  if (ctx.knobs.outage === 'unreachable') return drop();
  const impl = METHODS[method];
  if (!impl) return error('unknown_method', { req_method: method });
  if (raw === undefined) return error('invalid_form_data');
  const token = headerToken ?? bodyToken;
  if (!token) return error('not_authed');
  if (token !== ctx.settings.botToken || ctx.knobs.outage === 'invalid_auth') return error('invalid_auth');

  const named = new ApiArgs(raw).string('channel');
  const faultChannel = named ? (ctx.workspace.channel(named)?.id ?? named) : undefined;
  let fault = ctx.faults.take(method, faultChannel);
  if (fault?.kind === 'hang') {
    // Held until the time is up or the client gives up, whichever comes first.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, fault?.kind === 'hang' ? fault.ms : 0);
      res.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (res.destroyed || req.socket.destroyed) return drop();
    fault = ctx.faults.take(method, faultChannel);
  }
  if (fault?.kind === 'ratelimit') {
    return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSeconds) });
  }
  if (fault?.kind === 'error' && !fault.applied) return error(fault.error, (fault.extra ?? {}) as JsonObject);

  const args = new ApiArgs(raw);
  const channel = args.string('channel');
  const resolved = channel ? (ctx.workspace.channel(channel)?.id ?? channel) : undefined;
  const wait = ctx.limiter.check(method, impl.tier, resolved, ctx.knobs);
  if (wait !== undefined) return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });

  let result: ApiResult;
  try {
    result = await impl.handle(ctx, args);
  } catch (err) {
    ctx.logger.error({ err, method }, 'web api method failed');
    return error('internal_error');
  }
  // An error after the fact: the method did its work, the answer says it failed.
  if (fault?.kind === 'error') return error(fault.error, (fault.extra ?? {}) as JsonObject);
  if (result.ok) return answer(200, { ok: true, ...result.body });
  return error(result.error, result.detail ?? {});
}
