/**
 * The HTTP front: reads a request, routes `/_sandbox/*` to the admin endpoints and everything else
 * to the AWS service the signature names, and applies the knobs in AWS's order: latency, then the
 * rate limiter and random throttling, then injected errors, then the operation itself.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Simulator } from './simulator';
import { SimulatorError } from './errors';
import { parseAuthorization, DEFAULT_REGION } from './identity';
import { drawLatency, isDenied, takeFault } from './knobs';
import { SERVICES, detectService, type ServiceName } from './services';
import { handleAdmin } from './admin';
import type { WireResponse } from './protocol/json';
import { giveBack } from './protocol/utf8-writer';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The one address the simulator binds: never a public interface. */
export const HOST = '127.0.0.1';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SimulatorError('RequestEntityTooLarge', 'Request body too large.', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: WireResponse, requestId?: string): void {
  if (res.destroyed || res.headersSent) return;
  const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  res.writeHead(response.status, {
    ...response.headers,
    'content-length': String(body.length),
    date: new Date().toUTCString(),
    ...(requestId ? { 'x-amzn-requestid': requestId } : {}),
  });
  // A large answer's buffer goes back to its writer's pool once the socket has written it.
  res.end(body, () => giveBack(body));
}

/** What the observer is told when the connection is dropped without an answer. */
const DROPPED: WireResponse = { status: 0, headers: {}, body: '' };

/** The request as the observer sees it: request line, headers (arrays joined) and body text. */
interface ObservedRequest {
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
}

function observedRequest(req: IncomingMessage, body: string): ObservedRequest {
  const requestHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) requestHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { method: req.method ?? 'GET', path: req.url ?? '/', requestHeaders, requestBody: body };
}

/** Hands the exchange to the simulator's observer, if any, and returns the answer unchanged. */
function observed(
  sim: Simulator,
  service: string,
  operation: string,
  request: ObservedRequest,
  answer: WireResponse,
): WireResponse {
  sim.options.onExchange?.({
    service,
    operation,
    ...request,
    status: answer.status,
    headers: answer.headers,
    responseBody: typeof answer.body === 'string' ? answer.body : answer.body.toString('utf8'),
  });
  return answer;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function handleAws(
  sim: Simulator,
  req: IncomingMessage,
  res: ServerResponse,
  raw: Buffer,
  url: URL,
  serviceName: ServiceName,
): Promise<void> {
  const body = raw.toString('utf8');
  const seen = observedRequest(req, body);
  const requestId = randomUUID();
  const scope = parseAuthorization(req.headers.authorization);
  const service = SERVICES[serviceName];
  const account = sim.accountFor(scope.accessKeyId);
  const partition = sim.partition(account, scope.region ?? DEFAULT_REGION);
  let parsed: ReturnType<typeof service.parse>;
  try {
    parsed = service.parse(body, req.headers, { method: req.method ?? 'GET', url, headers: req.headers, raw });
  } catch (err) {
    const error =
      err instanceof SimulatorError
        ? err
        : new SimulatorError('MalformedQueryString', 'The request could not be decoded.');
    sim.stats.record(partition.key, 'Unknown', 'call');
    sim.stats.record(partition.key, 'Unknown', 'rejected', error.code);
    send(res, observed(sim, serviceName, 'Unknown', seen, service.error(error, requestId)), requestId);
    return;
  }
  const operation = parsed.operation ?? 'Unknown';
  const reply = (answer: WireResponse) => send(res, observed(sim, serviceName, operation, seen, answer), requestId);
  sim.stats.record(partition.key, operation, 'call');

  const knobs = sim.knobs;
  const latency = drawLatency(partition.jitter, knobs);
  if (latency > 0) await sleep(latency);
  const fault = partition.faults.next(knobs);
  const limited = partition.bucket !== undefined && !partition.bucket.take();
  if (limited || fault === 'throttle') {
    sim.stats.record(partition.key, operation, 'throttled');
    reply(service.error(service.throttled(), requestId));
    return;
  }
  if (isDenied(knobs.deny, `${serviceName}:${operation}`, partition.account, partition.region)) {
    sim.stats.record(partition.key, operation, 'errorInjected');
    reply(service.error(service.accessDenied(`${serviceName}:${operation}`, partition.account), requestId));
    return;
  }
  const network = takeFault(knobs.faults, `${serviceName}:${operation}`);
  if (network?.kind === 'hang') {
    await sleep(network.ms ?? 30_000);
    sim.stats.record(partition.key, operation, 'errorInjected');
    observed(sim, serviceName, operation, seen, DROPPED);
    res.socket?.destroy();
    return;
  }
  if (network?.kind === 'delay') await sleep(network.ms ?? 3_000);
  if (fault === 'error') {
    sim.stats.record(partition.key, operation, 'errorInjected');
    reply(service.error(service.internal(), requestId));
    return;
  }
  try {
    const now = service.readsFleet ? sim.advance(partition) : sim.clock.now().getTime();
    const answer = parsed.run({ sim, partition, now, requestId, accessKeyId: scope.accessKeyId });
    if (network?.kind === 'lose-answer') {
      // Carried out, then the connection drops: the client cannot tell whether it happened.
      sim.stats.record(partition.key, operation, 'errorInjected');
      observed(sim, serviceName, operation, seen, DROPPED);
      res.socket?.destroy();
      return;
    }
    reply(answer);
    sim.logger.debug({ service: serviceName, operation, partition: partition.key }, 'aws call');
  } catch (err) {
    if (err instanceof SimulatorError) {
      if (err.isRejection) sim.stats.record(partition.key, operation, 'rejected', err.code);
      sim.logger.debug({ service: serviceName, operation, code: err.code, message: err.message }, 'aws call rejected');
      reply(service.error(err, requestId));
      return;
    }
    sim.logger.error({ err, service: serviceName, operation }, 'simulator failure');
    reply(service.error(service.internal(), requestId));
  }
}

async function handle(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (err) {
    const error =
      err instanceof SimulatorError ? err : new SimulatorError('BadRequest', 'Could not read the request body.');
    send(res, {
      status: error.status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: error.code, message: error.message }),
    });
    return;
  }
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  if (url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')) {
    const answer = handleAdmin(sim, req.method ?? 'GET', url, body.toString('utf8'));
    send(res, {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(answer.body, null, 2),
    });
    return;
  }
  const scope = parseAuthorization(req.headers.authorization);
  // S3 is path-style on this port: a request signed for s3, or any other method than POST on a
  // path below the root. SSM, EC2 and STS are POSTs to the root.
  const isS3 = scope.service === 's3' || (req.method !== 'POST' && url.pathname !== '/');
  if (!isS3 && req.method !== 'POST') {
    send(res, {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'patchbot fleet simulator: POST signed SSM, EC2 and STS requests here, S3 path-style PUT/GET /{bucket}/{key}; admin endpoints under /_sandbox/ (GET /_sandbox/health).\n',
    });
    return;
  }
  await handleAws(
    sim,
    req,
    res,
    body,
    url,
    isS3 ? 's3' : detectService(scope.service, req.headers, body.toString('utf8')),
  );
}

/** Starts listening on 127.0.0.1:`port` (0 picks a free port). */
export function listen(sim: Simulator, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    handle(sim, req, res).catch((err: unknown) => {
      sim.logger.error({ err }, 'simulator request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  // AWS's and Slack's endpoints keep an idle connection far longer than Node's default 5 s; a
  // server that drops it sooner races a client reusing it ("socket hang up" on a one-attempt call).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : port });
    });
  });
}

/** Stops accepting, drops keep-alive connections and resolves once closed. */
export function shutdown(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
