/**
 * An HTTP load balancer on 127.0.0.1 in front of bot replicas, as an ingress or ALB would be: each
 * request goes to the next replica in turn; a replica that refuses the connection (it died) is
 * skipped and the request tried on the next one, as nginx's `proxy_next_upstream error` does. A
 * request a replica accepted is never sent again. It records which replica took each request, so a
 * test can say where a command or a click landed.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A replica the balancer sends to. */
export interface Upstream {
  name: string;
  port: number;
}

/** One request the balancer passed on. */
export interface Routed {
  path: string;
  upstream: string;
  status: number;
}

/** See the file comment. */
export class RoundRobinProxy {
  readonly routed: Routed[] = [];
  private upstreams: Upstream[] = [];
  private next = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on a free port of 127.0.0.1. */
  static async start(): Promise<RoundRobinProxy> {
    let proxy: RoundRobinProxy | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // Slack's requests are small; the body is kept whole so a refused one can go to the next replica unchanged.
        void proxy!.forward(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks)).then((answer) => {
          const { connection, 'keep-alive': keepAlive, 'transfer-encoding': encoding, ...endToEnd } = answer.headers;
          res.writeHead(answer.status, endToEnd);
          res.end(answer.body);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new RoundRobinProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  /** The URL of `path` on the balancer. */
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Sends to these replicas from now on, in this order. */
  setUpstreams(upstreams: readonly Upstream[]): void {
    this.upstreams = [...upstreams];
    this.next = 0;
  }

  /** Adds a replica at the end of the rotation. */
  add(upstream: Upstream): void {
    this.upstreams.push(upstream);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async forward(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    for (let tried = 0; tried < this.upstreams.length; tried++) {
      const upstream = this.upstreams[this.next++ % this.upstreams.length]!;
      const answer = await send(upstream.port, method, path, headers, body);
      if (answer === 'refused') continue;
      this.routed.push({ path, upstream: upstream.name, status: answer.status });
      return answer;
    }
    this.routed.push({ path, upstream: '-', status: 502 });
    return { status: 502, headers: {}, body: Buffer.from('no replica took the request') };
  }
}

/** One attempt at one replica: its answer, or `refused` when the connection could not be made. */
function send(
  port: number,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer } | 'refused'> {
  return new Promise((resolve) => {
    let connected = false;
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, connection: 'close' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', () => resolve({ status: 502, headers: {}, body: Buffer.alloc(0) }));
      },
    );
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    // Only a connection never made may be retried elsewhere: once a replica had the request, it may have acted on it.
    req.on('error', () => resolve(connected ? { status: 502, headers: {}, body: Buffer.alloc(0) } : 'refused'));
    req.end(body);
  });
}
