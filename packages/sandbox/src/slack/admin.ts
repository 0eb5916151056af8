/**
 * The stand-in's admin endpoints under `/_sandbox/`, as the fleet simulator has them (JSON in,
 * JSON out, checked with zod): they call the same methods as the in-process `configure()`,
 * `failNext()`, `hangNext()` and `rateLimitNext()`, so a demo or another process can inject faults.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { StandInContext } from './context';
import { readBody, sendJson } from './http';

/** Knob changes for `POST /_sandbox/config`. */
const KnobChangesSchema = z
  .object({
    rateLimits: z.boolean().optional(),
    postMessagePerSecondPerChannel: z.number().positive().optional(),
    postMessageBurst: z.number().int().min(1).optional(),
    tierPerMinute: z
      .object({
        1: z.number().int().min(1).optional(),
        2: z.number().int().min(1).optional(),
        3: z.number().int().min(1).optional(),
        4: z.number().int().min(1).optional(),
      })
      .strict()
      .optional(),
    latencyMs: z.number().min(0).max(600_000).optional(),
    triggerTtlMs: z.number().int().min(0).optional(),
    responseUrlMaxUses: z.number().int().min(0).optional(),
    responseUrlTtlMs: z.number().int().min(0).optional(),
    blocksTextLimit: z.number().int().min(0).optional(),
    ackTimeoutMs: z.number().int().min(0).optional(),
    recordLimit: z.number().int().min(1).optional(),
    outage: z.enum(['none', 'unreachable', 'invalid_auth']).optional(),
  })
  .strict();

/** One fault for `POST /_sandbox/faults`: an error (optionally after doing the work), a hang, or a 429. */
const FaultSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('error'),
      method: z.string().min(1),
      error: z.string().min(1),
      count: z.number().int().min(1).optional(),
      applied: z.boolean().optional(),
      channel: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('hang'),
      method: z.string().min(1),
      ms: z.number().int().min(1).max(600_000),
      count: z.number().int().min(1).optional(),
      channel: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('ratelimit'),
      method: z.string().min(1),
      retryAfterSeconds: z.number().int().min(1),
      count: z.number().int().min(1).optional(),
    })
    .strict(),
]);

/** A Socket Mode fault for `POST /_sandbox/socket` (socket-hub.ts). */
const SocketFaultSchema = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('refresh'),
      connectionId: z.number().int().optional(),
      reason: z.enum(['refresh_requested', 'warning', 'link_disabled']).optional(),
      closeAfterMs: z.number().int().min(0).max(600_000).optional(),
    })
    .strict(),
  z
    .object({
      action: z.literal('outage'),
      ms: z.number().int().min(1).max(3_600_000),
      connectionsOpen: z.enum(['http_503', 'refused']).optional(),
    })
    .strict(),
  z.object({ action: z.literal('stall'), connectionId: z.number().int().optional() }).strict(),
]);

/** The admin routes, for the 404 answer and the README. */
export const ADMIN_ROUTES = [
  'GET  /_sandbox/config',
  'POST /_sandbox/config   {rateLimits, latencyMs, blocksTextLimit, outage: none|unreachable|invalid_auth, ...}',
  'POST /_sandbox/faults   {kind: error, method, error, count?, applied?, channel?} | {kind: hang, method, ms, count?, channel?} | {kind: ratelimit, method, retryAfterSeconds, count?}',
  'POST /_sandbox/socket   {action: refresh, connectionId?, reason?, closeAfterMs?} | {action: outage, ms, connectionsOpen?: http_503|refused} | {action: stall, connectionId?} (Socket Mode only)',
];

/** Handles `/_sandbox/*`; false when the path is not an admin route. */
export async function handleAdmin(
  ctx: StandInContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  if (!path.startsWith('/_sandbox/')) return false;
  if (path === '/_sandbox/config' && req.method === 'GET') {
    sendJson(res, 200, { ok: true, knobs: ctx.knobs });
    return true;
  }
  if (
    req.method !== 'POST' ||
    (path !== '/_sandbox/config' && path !== '/_sandbox/faults' && path !== '/_sandbox/socket')
  ) {
    sendJson(res, 404, { ok: false, error: 'not_found', routes: ADMIN_ROUTES });
    return true;
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    sendJson(res, 400, { ok: false, error: 'invalid_json' });
    return true;
  }
  if (path === '/_sandbox/config') {
    const parsed = KnobChangesSchema.safeParse(body);
    if (!parsed.success) return answerInvalid(res, parsed.error);
    sendJson(res, 200, { ok: true, knobs: ctx.configure(parsed.data) });
    return true;
  }
  if (path === '/_sandbox/socket') return socketFault(ctx, res, body);
  const parsed = FaultSchema.safeParse(body);
  if (!parsed.success) return answerInvalid(res, parsed.error);
  const f = parsed.data;
  const only = (o: { count?: number | undefined; channel?: string | undefined }) => ({
    ...(o.count ? { count: o.count } : {}),
    ...(o.channel ? { channel: o.channel } : {}),
  });
  if (f.kind === 'error')
    ctx.faults.failNext(f.method, f.error, { ...only(f), ...(f.applied ? { applied: true } : {}) });
  else if (f.kind === 'hang') ctx.faults.hangNext(f.method, f.ms, only(f));
  else ctx.faults.rateLimitNext(f.method, f.retryAfterSeconds, f.count);
  sendJson(res, 200, { ok: true });
  return true;
}

/** Applies a Socket Mode fault; 409 when the stand-in is not in Socket Mode or there is no such connection. */
function socketFault(ctx: StandInContext, res: ServerResponse, body: unknown): true {
  const parsed = SocketFaultSchema.safeParse(body);
  if (!parsed.success) return answerInvalid(res, parsed.error);
  const hub = ctx.socket;
  if (!hub) {
    sendJson(res, 409, { ok: false, error: 'not_socket_mode' });
    return true;
  }
  const f = parsed.data;
  if (f.action === 'outage') {
    hub.outage(f.ms, f.connectionsOpen ? { connectionsOpen: f.connectionsOpen } : {});
    sendJson(res, 200, { ok: true });
    return true;
  }
  const conn =
    f.action === 'refresh'
      ? hub.refresh({
          ...(f.connectionId !== undefined ? { connectionId: f.connectionId } : {}),
          ...(f.reason ? { reason: f.reason } : {}),
          ...(f.closeAfterMs !== undefined ? { closeAfterMs: f.closeAfterMs } : {}),
        })
      : hub.stall(f.connectionId);
  sendJson(res, conn ? 200 : 409, conn ? { ok: true, connection: { ...conn } } : { ok: false, error: 'no_connection' });
  return true;
}

function answerInvalid(res: ServerResponse, error: z.ZodError): true {
  sendJson(res, 400, {
    ok: false,
    error: 'invalid_arguments',
    issues: error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
  });
  return true;
}
