import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The probes an orchestrator sends. `/health` (readiness) is 200 only when the state database answers
 * and, in Socket Mode, a socket to Slack is open; its body says this replica's role and the backend.
 * `/health/live` (liveness) is 200 whenever the process can answer at all: an outage of Slack or of the
 * database makes a replica unready, and restarting it would not bring either back.
 *
 * The database check is cached for PING_CACHE_MS (a probe storm costs the database one query a second),
 * and a check under way is shared by the probes that arrive meanwhile.
 */

/** The readiness path: the deployment files and the image's HEALTHCHECK probe it. */
export const HEALTH_PATH = '/health';
/** The liveness path. */
export const LIVE_PATH = '/health/live';
/** How long one database check answers for. */
export const PING_CACHE_MS = 1_000;

/** Why a replica is not ready. */
export type NotReady = 'database_unreachable' | 'socket_mode_disconnected';

/** What readiness is made of; the composition root provides it. */
export interface HealthSources {
  /** Resolves when the database answers (a cheap query with a short timeout); rejects otherwise. */
  ping(): Promise<void>;
  /** leader, follower or stopped. */
  role(): string;
  backend: 'sqlite' | 'postgres';
}

/** A probe's answer. */
export interface HealthAnswer {
  status: 200 | 503;
  body: { ok: boolean; reason?: NotReady; role?: string; backend?: string };
}

/** Answers the two probe paths; see the file comment. */
export class Health {
  private checked: { at: number; reachable: Promise<boolean> } | undefined;

  constructor(
    /** Absent (an app built without a store): readiness is Slack's alone. */
    private readonly sources: HealthSources | undefined,
    /** Why Slack cannot be heard (Socket Mode without an open socket), if so. */
    private readonly slackDown: () => NotReady | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The readiness answer. */
  async readiness(): Promise<HealthAnswer> {
    const reason = (await this.databaseAnswers()) ? this.slackDown() : 'database_unreachable';
    const about = this.sources ? { role: this.sources.role(), backend: this.sources.backend } : {};
    return reason
      ? { status: 503, body: { ok: false, reason, ...about } }
      : { status: 200, body: { ok: true, ...about } };
  }

  /** Serves `req` if it asks for a probe path (true), or leaves it (false). */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === LIVE_PATH) {
      write(res, { status: 200, body: { ok: true } });
      return true;
    }
    if (path !== HEALTH_PATH) return false;
    this.readiness().then(
      (answer) => write(res, answer),
      () => write(res, { status: 503, body: { ok: false, reason: 'database_unreachable' } }),
    );
    return true;
  }

  /** The database's reachability, from a check at most PING_CACHE_MS old. */
  private databaseAnswers(): Promise<boolean> {
    if (!this.sources) return Promise.resolve(true);
    const at = this.now();
    if (this.checked && at - this.checked.at < PING_CACHE_MS) return this.checked.reachable;
    const reachable = this.sources.ping().then(
      () => true,
      () => false,
    );
    this.checked = { at, reachable };
    return reachable;
  }
}

function write(res: ServerResponse, answer: HealthAnswer): void {
  if (res.headersSent) return;
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer.body));
}
