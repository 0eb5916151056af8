/**
 * The demo page's routes: `GET /` (the page), `GET /_ui/state?channel=&user=` (what it polls),
 * and POSTs that act as a person: `/_ui/command`, `/_ui/action`, `/_ui/view` (submit a modal),
 * `/_ui/view-close`, `/_ui/home-open` (open the app's Home tab) and `/_ui/home-action` (a Home button). POSTs take JSON only, so a foreign web page cannot send them without CORS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StandInContext } from '../context';
import type { SlackDriver } from '../driver';
import { mediaType, readBody, sendHtml, sendJson } from '../http';
import { pageScript } from './bundle';
import { demoPage } from './page';
import { inertJson, uiState } from './state';

type Body = Record<string, unknown>;

function str(body: Body, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new Error(`${key} is required`);
  return v;
}

/** Handles a UI request; false when the path is not a UI route. */
export async function handleUi(
  ctx: StandInContext,
  driver: SlackDriver,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname;
  if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
    let script: string;
    try {
      script = await pageScript();
    } catch (err) {
      // A broken page script must not take the stand-in down: say what failed, in plain text.
      const why = err instanceof Error ? err.message : String(err);
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end(`The demo page's script did not build: ${why}\n`);
      return true;
    }
    sendHtml(res, 200, demoPage(script));
    return true;
  }
  if (req.method === 'GET' && path === '/_ui/state') {
    const state = uiState(ctx, url.searchParams.get('channel') ?? undefined, url.searchParams.get('user') ?? undefined);
    const text = inertJson(state);
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(text);
    return true;
  }
  if (req.method !== 'POST' || !path.startsWith('/_ui/')) return false;
  if (mediaType(req) !== 'application/json') {
    sendJson(res, 415, { error: 'send application/json' });
    return true;
  }
  let body: Body;
  try {
    const parsed: unknown = JSON.parse(await readBody(req));
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    body = parsed as Body;
  } catch {
    sendJson(res, 400, { error: 'invalid JSON' });
    return true;
  }
  try {
    switch (path) {
      case '/_ui/command': {
        const typed = str(body, 'text').trim();
        const match = /^(\/\S+)\s*([\s\S]*)$/.exec(typed);
        const command = match?.[1] ?? '/patch';
        const text = match ? (match[2] ?? '') : typed;
        const r = await driver.slashCommand({
          userId: str(body, 'userId'),
          channelId: str(body, 'channelId'),
          command,
          text,
        });
        sendJson(res, 200, { status: r.status, elapsedMs: r.elapsedMs, slackError: r.slackError ?? null });
        return true;
      }
      case '/_ui/action': {
        const r = await driver.blockAction({
          userId: str(body, 'userId'),
          channelId: str(body, 'channelId'),
          messageTs: str(body, 'messageTs'),
          actionId: str(body, 'actionId'),
          ...(typeof body.blockId === 'string' && body.blockId !== '' ? { blockId: body.blockId } : {}),
        });
        sendJson(res, 200, { status: r.status, elapsedMs: r.elapsedMs, slackError: r.slackError ?? null });
        return true;
      }
      case '/_ui/view': {
        const inputs =
          typeof body.inputs === 'object' && body.inputs !== null ? (body.inputs as Record<string, string>) : {};
        const r = await driver.viewSubmission({ userId: str(body, 'userId'), viewId: str(body, 'viewId'), inputs });
        sendJson(res, 200, { status: r.status, elapsedMs: r.elapsedMs, slackError: r.slackError ?? null });
        return true;
      }
      case '/_ui/home-open': {
        const r = await driver.openHome({ userId: str(body, 'userId') });
        sendJson(res, 200, { status: r.status, elapsedMs: r.elapsedMs, slackError: r.slackError ?? null });
        return true;
      }
      case '/_ui/home-action': {
        const r = await driver.homeAction({
          userId: str(body, 'userId'),
          actionId: str(body, 'actionId'),
          ...(typeof body.blockId === 'string' && body.blockId !== '' ? { blockId: body.blockId } : {}),
        });
        sendJson(res, 200, { status: r.status, elapsedMs: r.elapsedMs, slackError: r.slackError ?? null });
        return true;
      }
      case '/_ui/view-close': {
        ctx.modals.settle(str(body, 'viewId'), 'closed');
        sendJson(res, 200, { ok: true });
        return true;
      }
      default:
        return false;
    }
  } catch (err) {
    sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
    return true;
  }
}
