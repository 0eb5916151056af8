/**
 * Request signing exactly as Slack signs: `X-Slack-Signature: v0=<hex HMAC-SHA256(secret,
 * "v0:<timestamp>:<raw body>")>` with the timestamp in `X-Slack-Request-Timestamp` (epoch seconds).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature Slack would send for this body at this timestamp. */
export function slackSignature(signingSecret: string, timestampSeconds: number, rawBody: string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestampSeconds}:${rawBody}`);
  return `v0=${hmac.digest('hex')}`;
}

/** The two signing headers for a body. */
export function signingHeaders(
  signingSecret: string,
  timestampSeconds: number,
  rawBody: string,
): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(timestampSeconds),
    'x-slack-signature': slackSignature(signingSecret, timestampSeconds, rawBody),
  };
}

/**
 * Checks a signature the way a careful receiver should: the timestamp within `toleranceSeconds`
 * of `nowSeconds` either way, and the HMAC equal in constant time. For tests of receivers.
 */
export function verifySlackSignature(
  signingSecret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds || !headers.signature) return false;
  const expected = Buffer.from(slackSignature(signingSecret, ts, rawBody));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
