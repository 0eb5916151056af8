/** The wire step of every driver request: one body to the bot, signed (or forged) as Slack signs, and the ack read back. */
import type { StandInContext } from './context';
import type { DriverResult, SendOptions } from './driver-options';
import { slackSignature } from './signing';
import { sendOverSocket } from './socket-driver';

const SLACK_USER_AGENT = 'Slackbot 1.0 (+https://api.slack.com/robots)';

/** Sends any body to the bot's events URL, signed (or forged) like Slack's requests; in Socket Mode over the app's socket. */
export async function sendToBot(
  ctx: StandInContext,
  body: string,
  options: SendOptions = {},
): Promise<Omit<DriverResult, 'responseUrl' | 'triggerId'>> {
  if (ctx.socket) return sendOverSocket(ctx, ctx.socket, options.rawBody ?? body, options);
  const url = ctx.botEventsUrl;
  if (!url) throw new Error('the bot events URL is not set: pass botEventsUrl or call setBotEventsUrl()');
  const rawBody = options.rawBody ?? body;
  const now = Math.floor(Date.now() / 1000);
  const timestamp = options.timestamp ?? now + (options.timestampOffsetSeconds ?? 0);
  const signature =
    options.signature ?? slackSignature(options.signingSecret ?? ctx.settings.signingSecret, timestamp, rawBody);
  // Events API deliveries are JSON; commands and interactions are form-encoded.
  const headers: Record<string, string> = {
    'content-type': rawBody.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded',
    'user-agent': SLACK_USER_AGENT,
  };
  if (!options.unsigned) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = signature;
  }
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: rawBody,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  const elapsedMs = Math.round(performance.now() - started);
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const slackError =
    elapsedMs > ctx.knobs.ackTimeoutMs ? 'operation_timeout' : response.status >= 300 ? 'dispatch_failed' : undefined;
  return {
    status: response.status,
    body: text,
    ...(json !== undefined ? { json } : {}),
    elapsedMs,
    sent: { body: rawBody, timestamp, signature },
    ...(slackError ? { slackError } : {}),
  };
}
