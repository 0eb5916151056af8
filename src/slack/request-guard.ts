/**
 * The rules a Slack request must pass before any listener acts on it, beyond the signature Bolt's
 * receiver checks:
 *
 * - its signing timestamp is within 5 minutes of now, in either direction (Bolt refuses only old
 *   ones; a request stamped in the future would otherwise stay replayable until then);
 * - it was not accepted before: the signature (and the trigger_id, where the payload has one) of
 *   every accepted request is remembered until its timestamp leaves the window, so a captured
 *   request sent again inside the window is refused. Memory is bounded: past `maxEntries`
 *   unexpired requests the guard refuses (503) rather than forget one that could then be replayed;
 * - it comes from the installation: the app id of the request is the app's, and the workspace is
 *   the one the bot token belongs to, or, for an Enterprise Grid org-wide install, any workspace of
 *   that enterprise.
 *
 * Socket Mode requests carry no signature (the socket itself is authenticated with the app token):
 * only the installation rule applies to them. Every refusal is a `RequestRefusedError` with the
 * HTTP status to answer and a stable reason; nothing here does I/O.
 */
import { z } from 'zod';
import { RequestRefusedError } from '../errors';

/** How far a signing timestamp may be from now (Slack: 5 minutes). */
export const SIGNATURE_WINDOW_SECONDS = 300;

/** Unexpired accepted requests the replay memory holds at most (Slack sends far fewer in 10 minutes). */
export const DEFAULT_REPLAY_CAPACITY = 20_000;

/** Where the bot is installed, as auth.test (and bots.info for the app id) answer at start. */
export interface Installation {
  teamId: string;
  enterpriseId: string | undefined;
  /** An Enterprise Grid org-wide install: requests come from any workspace of the enterprise. */
  isEnterpriseInstall: boolean;
  appId: string;
}

/** The signing headers the receiver copies into the listener context. */
export const SigningHeadersSchema = z.object({
  timestamp: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
  signature: z.string().regex(/^v0=[0-9a-f]{64}$/),
});
export type SigningHeaders = z.infer<typeof SigningHeadersSchema>;

/** The context key the signing headers travel under. */
export const SIGNING_CONTEXT_KEY = 'slackSigning';

const optionalId = z
  .string()
  .nullish()
  .transform((v) => (v ? v : undefined));
const idObject = z
  .object({ id: z.string() })
  .nullish()
  .transform((v) => (v?.id ? v.id : undefined));

/**
 * Who a request says it is for: slash commands carry `team_id`, `enterprise_id`, `api_app_id`;
 * interactions (block_actions, view_submission) `team.id`, `enterprise.id`, `api_app_id`.
 */
export const RequestIdentitySchema = z
  .object({
    api_app_id: optionalId,
    team_id: optionalId,
    enterprise_id: optionalId,
    team: idObject,
    enterprise: idObject,
    trigger_id: optionalId,
  })
  .transform((b) => ({
    appId: b.api_app_id,
    teamId: b.team ?? b.team_id,
    enterpriseId: b.enterprise ?? b.enterprise_id,
    triggerId: b.trigger_id,
  }));
export type RequestIdentity = z.infer<typeof RequestIdentitySchema>;

/** Refuses a timestamp more than the window away from now, either way. */
export function checkTimestamp(
  timestampSeconds: number,
  nowMs: number,
  windowSeconds = SIGNATURE_WINDOW_SECONDS,
): void {
  const skew = timestampSeconds - Math.floor(nowMs / 1000);
  if (skew > windowSeconds)
    throw new RequestRefusedError(
      'future_timestamp',
      401,
      `request timestamp is ${skew} s in the future (at most ${windowSeconds} s allowed)`,
    );
  if (-skew > windowSeconds)
    throw new RequestRefusedError(
      'stale_timestamp',
      401,
      `request timestamp is ${-skew} s old (at most ${windowSeconds} s allowed)`,
    );
}

/** Refuses a request not meant for this installation. */
export function checkInstallation(id: RequestIdentity, inst: Installation): void {
  if (id.appId !== inst.appId)
    throw new RequestRefusedError(
      'foreign_app',
      403,
      `request for app ${id.appId ?? '(none)'}, this app is ${inst.appId}`,
    );
  if (inst.isEnterpriseInstall) {
    if (!inst.enterpriseId || id.enterpriseId !== inst.enterpriseId) {
      throw new RequestRefusedError(
        'foreign_enterprise',
        403,
        `request from enterprise ${id.enterpriseId ?? '(none)'}, installed org-wide in ${inst.enterpriseId ?? '(unknown)'}`,
      );
    }
    return;
  }
  if (id.enterpriseId !== inst.enterpriseId) {
    throw new RequestRefusedError(
      'foreign_enterprise',
      403,
      `request from enterprise ${id.enterpriseId ?? '(none)'}, installed in ${inst.enterpriseId ?? 'no enterprise'}`,
    );
  }
  if (id.teamId !== inst.teamId)
    throw new RequestRefusedError(
      'foreign_team',
      403,
      `request from workspace ${id.teamId ?? '(none)'}, installed in ${inst.teamId}`,
    );
}

/**
 * Where accepted requests are remembered: `admit` returns false for one seen within its window. The
 * store's table (src/store/seen-requests.ts) keeps them across restarts and processes.
 */
export interface ReplayLog {
  admit(keys: readonly string[], untilMs: number, nowMs: number): Promise<boolean>;
}

/** Remembers accepted requests for the signature window; refuses one seen before. */
export class ReplayMemory {
  /** key → when it may be forgotten (epoch ms). */
  private readonly seen = new Map<string, number>();
  private admitted = 0;

  constructor(
    private readonly capacity = DEFAULT_REPLAY_CAPACITY,
    private readonly windowSeconds = SIGNATURE_WINDOW_SECONDS,
    private readonly log?: ReplayLog,
  ) {}

  /** How many keys are remembered now. */
  get size(): number {
    return this.seen.size;
  }

  /**
   * Admits a request signed at `timestampSeconds` known by `keys` (its signature, its trigger_id),
   * or throws: `replay` (409) when any key was admitted before and is still within its window,
   * `replay_memory_full` (503) when admitting would exceed the capacity.
   */
  async admit(keys: readonly string[], timestampSeconds: number, nowMs: number): Promise<void> {
    if (++this.admitted % 256 === 0) this.forgetExpired(nowMs);
    for (const key of keys) {
      const until = this.seen.get(key);
      if (until !== undefined && until > nowMs)
        throw new RequestRefusedError('replay', 409, `request already received (${key.slice(0, 16)}…)`);
    }
    if (this.seen.size + keys.length > this.capacity) {
      this.forgetExpired(nowMs);
      if (this.seen.size + keys.length > this.capacity) {
        throw new RequestRefusedError(
          'replay_memory_full',
          503,
          `${this.seen.size} requests within the signature window already; refusing rather than forgetting one`,
        );
      }
    }
    // Kept until the timestamp leaves the window: a request stamped t is accepted until t + window.
    const until = (timestampSeconds + this.windowSeconds + 1) * 1000;
    if (this.log && !(await this.log.admit(keys, until, nowMs)))
      throw new RequestRefusedError(
        'replay',
        409,
        `request already received by this or another patchbot process (${keys[0]?.slice(0, 16) ?? ''}…)`,
      );
    for (const key of keys) this.seen.set(key, until);
  }

  private forgetExpired(nowMs: number): void {
    for (const [key, until] of this.seen) if (until <= nowMs) this.seen.delete(key);
  }
}

/** What the guard is asked about one request. */
export interface GuardInput {
  /** The parsed body (form fields of a slash command, or an interaction's payload). */
  body: unknown;
  /** The signing headers (HTTP mode); undefined in Socket Mode. */
  signing: unknown;
  nowMs: number;
}

/** All rules in order: signing headers (HTTP), timestamp window, installation, replay. */
export class RequestGuard {
  private readonly replays: ReplayMemory;

  constructor(
    private readonly options: {
      mode: 'http' | 'socket';
      installation: () => Installation | undefined;
      capacity?: number;
      replayLog?: ReplayLog;
    },
  ) {
    this.replays = new ReplayMemory(options.capacity, SIGNATURE_WINDOW_SECONDS, options.replayLog);
  }

  /** Throws a RequestRefusedError when the request must not be acted on; returns who it is for. */
  async check(input: GuardInput): Promise<RequestIdentity> {
    const installation = this.options.installation();
    if (!installation)
      throw new RequestRefusedError(
        'not_started',
        503,
        'the installation is not known yet (auth.test has not answered)',
      );
    const identity = RequestIdentitySchema.safeParse(input.body);
    if (!identity.success)
      throw new RequestRefusedError(
        'malformed',
        400,
        `request body does not name its workspace and app: ${identity.error.issues[0]?.message ?? 'invalid'}`,
      );
    let signing: SigningHeaders | undefined;
    if (this.options.mode === 'http') {
      const parsed = SigningHeadersSchema.safeParse(input.signing);
      if (!parsed.success) throw new RequestRefusedError('unsigned', 401, 'request has no valid signing headers');
      signing = parsed.data;
      checkTimestamp(signing.timestamp, input.nowMs);
    }
    checkInstallation(identity.data, installation);
    if (signing) {
      const keys = [
        `sig:${signing.signature}`,
        ...(identity.data.triggerId ? [`trigger:${identity.data.triggerId}`] : []),
      ];
      await this.replays.admit(keys, signing.timestamp, input.nowMs);
    }
    return identity.data;
  }
}
