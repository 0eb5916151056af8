/** The work lease port: the jobs define it, the store implements it (src/store/lease.ts, src/store/pg-lease.ts). */

/** The lease as stored. `epoch` changes whenever the holder changes. */
export interface LeaseRecord {
  holder: string;
  expiresAt: Date;
  epoch: number;
}

/** The outcome of an attempt: whether `holder` holds the lease now, and the lease as it is. */
export interface LeaseAttempt {
  held: boolean;
  lease: LeaseRecord;
}

/** The lease port: every write is a compare-and-set, so of two processes at most one holds it. */
export interface WorkLease {
  /** Takes the lease for `ttlMs` if it is free, expired or already `holder`'s (then it is a renewal). */
  acquire(holder: string, ttlMs: number): Promise<LeaseAttempt>;
  /** Gives the lease up (expires it now) if `holder` still holds it. */
  release(holder: string): Promise<void>;
  /** The lease as stored, if anyone ever took it. */
  current(): Promise<LeaseRecord | undefined>;
  /**
   * Registers `cb`, called the moment the lease is known lost without waiting for the next renewal
   * (PostgreSQL: the session holding the lock failed or ended). A lease that can only learn of a loss
   * by renewing (SQLite's row) leaves it out.
   */
  onLost?(cb: (reason: string) => void): void;
}
