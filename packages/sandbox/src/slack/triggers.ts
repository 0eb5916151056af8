/**
 * trigger_ids: issued with every slash command and interaction, bound to the user, usable once
 * and only for a few seconds (Slack: 3 s), exactly what views.open checks.
 */
import type { Clock } from '../shared/clock';
import { triggerId } from './ids';

/** Why a trigger cannot be used. */
export type TriggerRefusal = 'invalid_trigger_id' | 'expired_trigger_id' | 'exchanged_trigger_id';

interface Trigger {
  user: string;
  issuedAt: number;
  used: boolean;
}

/** Issued triggers and their use. */
export class TriggerRegistry {
  private readonly triggers = new Map<string, Trigger>();
  private sequence = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: () => number,
  ) {}

  /** A fresh trigger id for `user`. */
  issue(user: string): string {
    this.sequence += 1;
    const id = triggerId(this.sequence);
    this.triggers.set(id, { user, issuedAt: this.clock.now().getTime(), used: false });
    return id;
  }

  /** Uses a trigger; returns its user, or why it cannot be used. */
  exchange(id: string): { ok: true; user: string } | { ok: false; error: TriggerRefusal } {
    const t = this.triggers.get(id);
    if (!t) return { ok: false, error: 'invalid_trigger_id' };
    if (t.used) return { ok: false, error: 'exchanged_trigger_id' };
    if (this.clock.now().getTime() - t.issuedAt > this.ttlMs()) return { ok: false, error: 'expired_trigger_id' };
    t.used = true;
    return { ok: true, user: t.user };
  }

  /** Forgets every trigger. */
  clear(): void {
    this.triggers.clear();
  }
}
