/**
 * The HTTP receiver keeps an idle connection open for HTTP_KEEP_ALIVE_MS (65 s), not Node's 5 s:
 * Node takes one new connection per turn of its event loop, so a burst of commands on new
 * connections waits in the kernel behind the bot's other work (docs/benchmarks.md), and a load
 * balancer with a 60 s idle timeout must never send a request on a connection the bot is closing.
 * Through the real Bolt app over HTTP, with a keep-alive client as a balancer is.
 */
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { HTTP_KEEP_ALIVE_MS } from '../../src/slack/timeouts';
import { startHarness, type Harness } from '../support/bot';
import { signedHelpCommand } from '../support/raw-command';

/** A signed `/patch help` on `agent`: its status, Keep-Alive header and the socket it went on. */
function command(port: number, agent: Agent): Promise<{ status: number; keepAlive: string; socket: Socket }> {
  const { body, headers } = signedHelpCommand();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/slack/events',
        method: 'POST',
        agent,
        headers,
      },
      (res) => {
        res.resume();
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            keepAlive: String(res.headers['keep-alive']),
            socket: req.socket as Socket,
          }),
        );
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

describe('the HTTP receiver keeps idle connections for the next request', () => {
  let h: Harness;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    agent.destroy();
    await h.close();
  });

  it('tells the client how long, and takes a request on the same connection after Node’s default would have closed it', async () => {
    expect(HTTP_KEEP_ALIVE_MS).toBeGreaterThan(60_000);
    const first = await command(h.bot.port, agent);
    expect(first.status).toBe(200);
    expect(first.keepAlive).toBe(`timeout=${HTTP_KEEP_ALIVE_MS / 1000}`);
    // Node's own default is 5 s: past it, a default server has closed the connection.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const second = await command(h.bot.port, agent);
    expect(second.status).toBe(200);
    expect(second.socket).toBe(first.socket);
  }, 20_000);
});
