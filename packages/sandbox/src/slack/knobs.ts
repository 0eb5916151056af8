/**
 * The stand-in's knobs. Defaults keep tests fast (no rate limits, no latency) while enforcing
 * Slack's content rules; tests and the demo turn on the rest with `configure()`.
 */

/** Settings that change how the stand-in answers. */
export interface SlackKnobs {
  /**
   * Enforce Slack's rate limits: chat.postMessage about 1 a second per channel (a short burst
   * allowed), and the method tiers (chat.update tier 3: 50 a minute). Answers HTTP 429 with
   * `Retry-After` and `{ok:false,error:"ratelimited"}`. Off by default.
   */
  rateLimits: boolean;
  /** chat.postMessage messages a second per channel when `rateLimits` is on. */
  postMessagePerSecondPerChannel: number;
  /** How many chat.postMessage calls a channel may burst above the per-second rate. */
  postMessageBurst: number;
  /** Calls a minute for each tier when `rateLimits` is on (Slack: 1+, 20+, 50+, 100+). */
  tierPerMinute: { 1: number; 2: number; 3: number; 4: number };
  /** Milliseconds added before every Web API answer (a slow Slack). */
  latencyMs: number;
  /** How long a trigger_id stays usable (Slack: 3 s). */
  triggerTtlMs: number;
  /** How many POSTs a response_url takes (Slack: 5). */
  responseUrlMaxUses: number;
  /** How long a response_url lives (Slack: 30 minutes). */
  responseUrlTtlMs: number;
  /**
   * Total characters of text across a message's blocks above which chat.postMessage / chat.update
   * answer `msg_blocks_too_long`. Slack refuses some messages below its documented per-block limits
   * (observed around 13,000 characters); 0 turns the check off.
   */
  blocksTextLimit: number;
  /** How long Slack waits for a slash command or interaction to be acknowledged (Slack: 3 s). */
  ackTimeoutMs: number;
  /** How many Web API calls and response_url POSTs are kept for `calls()` / `responses()` (oldest dropped first). */
  recordLimit: number;
  /**
   * A Slack outage for every Web API call until turned back to 'none': 'unreachable' resets each
   * connection without an answer (nothing is done), 'invalid_auth' answers `{ok:false,error:"invalid_auth"}`
   * whatever the token, as Slack does during an auth incident.
   */
  outage: Outage;
}

/** What an outage looks like from the bot. */
export type Outage = 'none' | 'unreachable' | 'invalid_auth';

/** A partial change to the knobs; `tierPerMinute` may be partial too. */
export type KnobChanges = Partial<Omit<SlackKnobs, 'tierPerMinute'>> & {
  tierPerMinute?: Partial<SlackKnobs['tierPerMinute']>;
};

/** Defaults: Slack's own numbers, with rate limits and latency off. */
export const DEFAULT_KNOBS: SlackKnobs = {
  rateLimits: false,
  postMessagePerSecondPerChannel: 1,
  postMessageBurst: 3,
  tierPerMinute: { 1: 1, 2: 20, 3: 50, 4: 100 },
  latencyMs: 0,
  triggerTtlMs: 3000,
  responseUrlMaxUses: 5,
  responseUrlTtlMs: 30 * 60 * 1000,
  blocksTextLimit: 13000,
  ackTimeoutMs: 3000,
  recordLimit: 10000,
  outage: 'none',
};

/** Applies changes to knobs, returning a new object; undefined members leave a knob as it was. */
export function mergeKnobs(current: SlackKnobs, changes: KnobChanges): SlackKnobs {
  const { tierPerMinute, ...rest } = changes;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<SlackKnobs>;
  const tiers = Object.fromEntries(Object.entries(tierPerMinute ?? {}).filter(([, v]) => v !== undefined)) as Partial<
    SlackKnobs['tierPerMinute']
  >;
  return { ...current, ...defined, tierPerMinute: { ...current.tierPerMinute, ...tiers } };
}
