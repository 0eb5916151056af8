/** Starts the Slack stand-in and a real Bolt app wired to it, as the bot will be wired. */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { App, LogLevel, webApi } from '@slack/bolt';
import { startSlackStandIn, type SlackStandIn, type SlackStandInOptions } from '@patchbot/sandbox/slack';
import { InFlight } from '../../../src/shared/in-flight';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test';

/** A stand-in with the test secret and token. */
export function standIn(options: Partial<SlackStandInOptions> = {}): Promise<SlackStandIn> {
  return startSlackStandIn({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, ...options });
}

/** A running Bolt app pointed at the stand-in, and the stand-in pointed at it. */
export interface BoltHarness {
  app: App;
  slack: SlackStandIn;
  eventsUrl: string;
  /** Resolves once every request the app began handling is done with, its listeners included. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts Bolt in HTTP mode on an ephemeral 127.0.0.1 port. The stand-in must already listen:
 * Bolt's constructor calls auth.test at once.
 */
export async function startBolt(slack: SlackStandIn, register: (app: App) => void): Promise<BoltHarness> {
  const app = new App({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
  });
  // Counts each request from Bolt's first middleware until its listeners are done, as the bot does.
  const requests = new InFlight();
  app.use(({ next }) => requests.run(next));
  register(app);
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const { port } = server.address() as AddressInfo;
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  slack.setBotEventsUrl(eventsUrl);
  return { app, slack, eventsUrl, idle: () => requests.idle(), stop: () => app.stop() as Promise<void> };
}

/** A logger that drops everything (WebClient logs Slack's `[ERROR]` response messages at error level). */
export const quietLogger: webApi.Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => webApi.LogLevel.ERROR,
  setName: () => undefined,
};

/** A WebClient against the stand-in, with quick retries and no logs. */
export function webClient(slack: SlackStandIn, options: Partial<webApi.WebClientOptions> = {}): webApi.WebClient {
  return new webApi.WebClient(BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    logger: quietLogger,
    retryConfig: { retries: 0 },
    ...options,
  });
}

/** A request the fake bot received. */
export interface ReceivedRequest {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A minimal bot endpoint on 127.0.0.1 that records requests and answers with `reply` (200, empty by default). */
export async function fakeBot(
  reply: (req: ReceivedRequest) => {
    status?: number;
    body?: string;
    contentType?: string;
    delayMs?: number;
  } = () => ({}),
): Promise<{
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedRequest = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const answer = reply(r);
      setTimeout(() => {
        res.writeHead(answer.status ?? 200, answer.contentType ? { 'content-type': answer.contentType } : {});
        res.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
