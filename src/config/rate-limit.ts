/**
 * aws.rateLimit (and a scope's own rateLimit): how fast patchbot may send requests to one AWS
 * account and region. AWS throttles per account and region with token buckets; EC2 documents its
 * figures (a non-mutating Describe* action: a bucket of 100, refilled at 20 per second, see
 * https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html), while Systems Manager
 * gives no per-second figure for SendCommand or the Describe* calls patchbot makes (its quotas are
 * at https://docs.aws.amazon.com/general/latest/gr/ssm.html and in the Service Quotas console). The
 * default stays well below EC2's refill rate and leaves most of the account's allowance to the
 * console, the CLI and other tools sharing it; burst 4 keeps a token of slack under a limiter of 5.
 */
import { z } from 'zod';
import { expected, intBetween, strictObject } from './fields';

/** The default budget of one account and region. */
export const DEFAULT_RATE_LIMIT = { requestsPerSecond: 5, burst: 4 } as const;

const rate = (what: string) => z.number(expected(what)).positive(expected(what)).max(1000, expected(what));

/** Requests per second (a fraction is allowed: 0.5 is one request every two seconds) and the burst held. */
export const RateLimitSchema = strictObject({
  requestsPerSecond: rate('a number of requests per second above 0 and at most 1000').default(
    DEFAULT_RATE_LIMIT.requestsPerSecond,
  ),
  burst: intBetween(1, 1000, 'a whole number of requests from 1 to 1000').default(DEFAULT_RATE_LIMIT.burst),
});

/** A request budget: the refill rate and the burst. */
export type RateLimit = z.output<typeof RateLimitSchema>;
