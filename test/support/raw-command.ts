/**
 * A signed `/patch help` as Slack's form body, for tests that send it through their own HTTP client
 * (to hold it half-sent, or to watch the connection it goes on) instead of the Slack stand-in.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { DEMO_WORKSPACE, signingHeaders } from '@patchbot/sandbox/slack';
import type { SlackFirst } from '../../src/shared/slack-first';
import { DEMO_IDS, SIGNING_SECRET } from './bot';

/** The form body of alice's `/patch help` in #prd and its headers, signed now; its answer goes to a closed port. */
export function signedHelpCommand(): { body: string; headers: Record<string, string | number> } {
  const body = new URLSearchParams({
    command: '/patch',
    text: 'help',
    user_id: DEMO_IDS.users.alice,
    channel_id: DEMO_IDS.channels.prd,
    team_id: DEMO_WORKSPACE.team.id,
    api_app_id: DEMO_IDS.bot.appId,
    response_url: 'http://127.0.0.1:9/response',
  }).toString();
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
      ...signingHeaders(SIGNING_SECRET, Math.floor(Date.now() / 1000), body),
    },
  };
}

/** A signed `/patch help` whose body is sent in two parts: the request stays unacknowledged until `finish`. */
export function halfSentCommand(port: number): {
  finish(): Promise<number>;
  abort(): void;
  /** Resolves when the connection has closed, from either end. */
  closed: Promise<void>;
} {
  const { body, headers } = signedHelpCommand();
  const req: ClientRequest = request({
    host: '127.0.0.1',
    port,
    path: '/slack/events',
    method: 'POST',
    headers,
  });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  answered.catch(() => undefined);
  const closed = new Promise<void>((resolve) => req.once('close', () => resolve()));
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));
  return {
    closed,
    async finish() {
      req.end(body.slice(half));
      const res = await answered;
      res.resume();
      return res.statusCode ?? 0;
    },
    abort() {
      req.destroy();
    },
  };
}

/** Resolves once `slackFirst` counts `count` Slack requests open (the bot has seen a half-sent command arrive). */
export async function untilOpen(slackFirst: SlackFirst, count: number): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (slackFirst.pending !== count) {
    if (performance.now() > deadline)
      throw new Error(`the bot counts ${slackFirst.pending} requests open, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
