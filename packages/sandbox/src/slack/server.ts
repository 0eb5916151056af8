/**
 * The stand-in's HTTP server on 127.0.0.1: `/api/<method>` (Web API), `/response/<id>`
 * (response_urls), `/_health`, `/_sandbox/*` (knobs and faults), and the demo page's routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin';
import type { StandInContext } from './context';
import type { SlackDriver } from './driver';
import { sendJson } from './http';
import type { ResponseUrlHost } from './response-url';
import { handleUi } from './ui/routes';
import { handleWebApi } from './web-api';

/** A completed file's bytes (Slack's `url_private`; the demo page shows images from here); 404 otherwise. */
function serveFile(ctx: StandInContext, path: string, res: ServerResponse): void {
  const id = /^\/files-pri\/([A-Z0-9]+)\//.exec(path)?.[1];
  const file = id ? ctx.files.get(id) : undefined;
  if (file?.state !== 'completed' || !file.bytes) return sendJson(res, 404, { ok: false, error: 'file_not_found' });
  res.writeHead(200, {
    'content-type': file.mimetype,
    'content-length': file.bytes.length,
    'content-disposition': `inline; filename="${file.name.replace(/["\\\r\n]/g, '_')}"`,
    'x-content-type-options': 'nosniff',
  });
  res.end(file.bytes);
}

/** Routes one request. */
async function route(
  ctx: StandInContext,
  responseUrls: ResponseUrlHost,
  driver: SlackDriver,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname;
  if (path.startsWith('/api/')) {
    const method = decodeURIComponent(path.slice('/api/'.length));
    if (method === 'apps.connections.open' && ctx.socket) return ctx.socket.handleConnectionsOpen(req, res);
    return handleWebApi(ctx, method, req, res, url);
  }
  if (path.startsWith('/response/') && req.method === 'POST') {
    return responseUrls.handle(path.slice('/response/'.length), req, res);
  }
  if (path === '/_health') return sendJson(res, 200, { ok: true });
  if (path.startsWith('/files-pri/') && req.method === 'GET') return serveFile(ctx, path, res);
  if (await handleAdmin(ctx, req, res, path)) return;
  if (await handleUi(ctx, driver, req, res, url)) return;
  sendJson(res, 404, { ok: false, error: 'not_found' });
}

/** Starts listening on 127.0.0.1:`port` (0 picks a free port); resolves with the server and its base URL. */
export async function listen(
  ctx: StandInContext,
  responseUrls: ResponseUrlHost,
  driver: SlackDriver,
  port: number,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    route(ctx, responseUrls, driver, req, res).catch((err: unknown) => {
      ctx.logger.error({ err, url: req.url }, 'slack stand-in request failed');
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error' });
      else res.end();
    });
  });
  // AWS's and Slack's endpoints keep an idle connection far longer than Node's default 5 s; a
  // server that drops it sooner races a client reusing it ("socket hang up" on a one-attempt call).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Socket Mode's WebSockets (`/link/?ticket=…`, handed out by apps.connections.open).
  server.on('upgrade', (req, socket, head) => {
    if (ctx.socket && (req.url ?? '').startsWith('/link/')) ctx.socket.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${address.port}` };
}

/** Stops the server, dropping keep-alive connections. */
export function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
