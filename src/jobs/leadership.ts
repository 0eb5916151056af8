/**
 * One process does the work. Several patchbot processes may share one state file for a while (a
 * rolling restart starts the new one before the old one stops) or for good (replicas behind one
 * Slack app). Any of them serves requests, but only the holder of the work lease runs the
 * operation tracker and the scheduled jobs, so nothing is sent, posted or polled twice.
 *
 * The lease is a record with a holder and an expiry, written only by compare-and-set: it is taken
 * when free or expired, renewed by its holder every `renewEveryMs`, and given up on stop. A holder
 * that cannot renew (the store fails, or another process took the lease after it expired) stops its
 * leader work at once; a follower tries every `renewEveryMs` and takes over once the lease expires,
 * then resumes unfinished operations exactly as a restart does.
 *
 * `WorkLease` (lease-port.ts) is the port: SQLite implements it with a row (src/store/lease.ts),
 * PostgreSQL with a session advisory lock (src/store/pg-lease.ts). A lease that learns of its loss
 * between renewals (the lock's session failed) reports it through `onLost`, and the leader stops at
 * once rather than at its next check.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { toPatchbotError } from '../errors';
import type { Logger } from '../logger';
import { Ticker } from '../patching/ticker';
import type { LeaseAttempt, WorkLease } from './lease-port';

export type { LeaseAttempt, LeaseRecord, WorkLease } from './lease-port';

/** What this process is doing: the work (leader), requests only (follower), or nothing (stopped). */
export type Role = 'leader' | 'follower' | 'stopped';

/** The lease's timing. */
export interface LeaseTiming {
  /** How long a lease lasts without renewal (default 15 s): a crashed leader is replaced after at most this plus renewEveryMs. */
  ttlMs?: number;
  /** How often the holder renews and a follower tries to take over (default 5 s; at most a third of ttlMs). */
  renewEveryMs?: number;
}

export interface LeadershipOptions extends LeaseTiming {
  lease: WorkLease;
  clock: Clock;
  logger: Logger;
  /** This process's id in the lease (default host:pid:random). */
  holder?: string;
  /** Starts the leader's work (the tracker resumes, the jobs are scheduled). */
  onGained(): Promise<void>;
  /** Stops it; resolves when nothing of it is still acting. */
  onLost(): Promise<void>;
}

export const DEFAULT_LEASE_TTL_MS = 15_000;
export const DEFAULT_LEASE_RENEW_MS = 5_000;

/** A process id for the lease: readable in the logs, unique across restarts. */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Holds (or waits for) the work lease and starts and stops the leader's work; see the file comment. */
export class Leadership {
  readonly holder: string;
  private readonly ttlMs: number;
  private readonly log: Logger;
  private readonly ticker: Ticker;
  private current: Role = 'stopped';
  /** The epoch of the lease while this process leads; a different one after a renewal means it was lost in between. */
  private epoch: number | undefined;
  /** Starts and stops of the leader's work, one after the other; the renewals never wait for them. */
  private work: Promise<void> = Promise.resolve();
  private lastFailureLogAt: number | undefined;
  private lastOther: string | undefined;

  constructor(private readonly options: LeadershipOptions) {
    this.holder = options.holder ?? newHolderId();
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    const renewEveryMs = Math.min(options.renewEveryMs ?? DEFAULT_LEASE_RENEW_MS, Math.floor(this.ttlMs / 3));
    this.log = options.logger.child({ subsystem: 'lease', holder: this.holder });
    this.ticker = new Ticker(
      () => this.check(),
      renewEveryMs,
      (err) => this.log.error({ err: toPatchbotError(err) }, 'a lease check failed; the next one retries'),
    );
    options.lease.onLost?.((reason) => this.lostNow(reason));
  }

  /** leader, follower or stopped (for /health and the logs). */
  get role(): Role {
    return this.current;
  }

  /** First attempt (awaited, with the leader's work started if it won), then a check every renewEveryMs. */
  async start(): Promise<void> {
    if (this.ticker.started) return;
    this.current = 'follower';
    await this.ticker.tick();
    await this.work;
    this.ticker.start();
  }

  /** Stops checking; a leader stops its work and gives the lease up, so a follower takes over at its next check. */
  async stop(): Promise<void> {
    await this.ticker.stop();
    const wasLeader = this.current === 'leader';
    this.current = 'stopped';
    if (wasLeader) this.enqueue('stopping', () => this.options.onLost());
    await this.work;
    if (!wasLeader) return;
    try {
      await this.options.lease.release(this.holder);
      this.log.info('gave up the work lease');
    } catch (err) {
      this.log.warn(
        { err: toPatchbotError(err) },
        'could not give up the work lease; another process takes over when it expires',
      );
    }
  }

  /** One renewal or attempt to take over; never throws. */
  async check(): Promise<void> {
    if (this.current === 'stopped') return;
    let attempt: LeaseAttempt;
    try {
      attempt = await this.options.lease.acquire(this.holder, this.ttlMs);
    } catch (err) {
      this.failed(err);
      return;
    }
    if (this.lastFailureLogAt !== undefined) {
      this.lastFailureLogAt = undefined;
      this.log.info('the lease store answers again');
    }
    if ((this.current as Role) === 'stopped') return; // stop() ran while the store answered
    const { held, lease } = attempt;
    if (held && this.current === 'leader' && lease.epoch !== this.epoch) {
      // Renewed, but someone else held it in between (this process stalled past the expiry): start over as a new leader.
      this.log.warn(
        { epoch: lease.epoch, was: this.epoch },
        'the work lease changed hands while this process was not looking; restarting the leader work',
      );
      this.lose();
    }
    if (held && this.current !== 'leader') {
      this.current = 'leader';
      this.epoch = lease.epoch;
      this.lastOther = undefined;
      this.log.info(
        { expiresAt: lease.expiresAt.toISOString(), epoch: lease.epoch },
        'took the work lease: this process runs the tracker and the scheduled jobs',
      );
      this.enqueue('starting', () => this.options.onGained());
      return;
    }
    if (!held) {
      if (this.current === 'leader') {
        this.log.warn(
          { holder: lease.holder, expiresAt: lease.expiresAt.toISOString() },
          'lost the work lease to another process; stopping the tracker and the scheduled jobs',
        );
        this.lose();
      } else if (this.lastOther !== lease.holder) {
        this.lastOther = lease.holder;
        this.log.info(
          { leader: lease.holder, expiresAt: lease.expiresAt.toISOString() },
          'another process holds the work lease: this one serves requests only, and takes over if the lease expires',
        );
      }
    }
  }

  /** The store failed: a leader cannot know it still holds the lease, so it stops acting now. */
  private failed(err: unknown): void {
    const e = toPatchbotError(err);
    const now = this.options.clock.now().getTime();
    // Loud once, then once a minute while it lasts.
    if (this.lastFailureLogAt === undefined || now - this.lastFailureLogAt >= 60_000 || this.current === 'leader') {
      this.lastFailureLogAt = now;
      this.log.error({ err: e, role: this.current }, `the work lease could not be renewed or taken: ${e.message}`);
    }
    if (this.current === 'leader') {
      this.log.error('stopping the tracker and the scheduled jobs until the lease can be renewed');
      this.lose();
    }
  }

  /** The lease reports it was lost between checks: a leader stops its work now; the next check tries again. */
  private lostNow(reason: string): void {
    if (this.current !== 'leader') return;
    this.log.error({ reason }, 'lost the work lease; stopping the tracker and the scheduled jobs now');
    this.lose();
  }

  private lose(): void {
    this.current = 'follower';
    this.epoch = undefined;
    this.enqueue('stopping', () => this.options.onLost());
  }

  /**
   * Runs a start or stop of the leader's work after the ones before it; its failure is logged, not
   * thrown. A leader whose work failed to start does not sit on the lease doing nothing: it stops
   * what did start and lets the lease go, and the next check tries again (here or elsewhere).
   */
  private enqueue(what: 'starting' | 'stopping', fn: () => Promise<void>): void {
    this.work = this.work.then(fn).catch((err: unknown) => {
      this.log.error({ err: toPatchbotError(err) }, `${what} the leader's work failed`);
      if (what !== 'starting' || this.current !== 'leader') return;
      this.lose();
      this.work = this.work
        .then(() => this.options.lease.release(this.holder))
        .catch((e: unknown) => this.log.warn({ err: toPatchbotError(e) }, 'could not give up the work lease'));
    });
  }
}
