/**
 * A TCP pass-through on 127.0.0.1 between the bot and the Slack stand-in, so the harness can make
 * Slack unreachable (nothing listens on the port: connections are refused) and reachable again on
 * the same port, while the stand-in keeps every message it already holds.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  /** The port the bot connects to; it stays the same across down() and restore(). */
  port = 0;

  private constructor(private readonly upstreamPort: number) {}

  /** Listens on a free port and forwards to 127.0.0.1:`upstreamPort`. */
  static async start(upstreamPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(upstreamPort);
    proxy.port = await proxy.listen(0);
    return proxy;
  }

  /** Whether connections are accepted now. */
  get up(): boolean {
    return this.server !== undefined;
  }

  /** Refuses connections from now on and cuts the open ones. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Accepts connections again on the same port. */
  async restore(): Promise<void> {
    if (this.server) return;
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.down();
  }

  private listen(port: number): Promise<number> {
    const server = createServer((socket) => this.pipe(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    this.sockets.add(client);
    this.sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
