/**
 * Which scopes of each group the compliance poll could not read last time, so a failing scope is
 * reported when it starts failing and once when it answers again, not on every poll. Kept in
 * memory: after a restart a scope that still fails is reported once more, which is the safe side.
 */
import type { ScopeRef } from '../group-fleet';
import type { ScopeFailure } from '../record-schemas';

/** What changed in a group's failing scopes since the last recorded poll. */
export interface ScopeHealthChange {
  group: string;
  /** Scopes failing now that were not failing at the last recorded poll. */
  started: ScopeFailure[];
  /** Scopes that were failing and answered this time. */
  recovered: ScopeRef[];
  /** Every scope failing now (started ones included). */
  failing: ScopeFailure[];
}

const key = (s: ScopeRef) => `${s.scope}\u0000${s.region}`;

/** Failing scopes per group, as last recorded. */
export class ScopeHealth {
  private readonly failing = new Map<string, Map<string, ScopeRef>>();

  /** Compares this poll's failures with the last recorded ones. Nothing is recorded: call record() once the change has been posted. */
  compare(group: string, failures: readonly ScopeFailure[]): ScopeHealthChange {
    const before = this.failing.get(group) ?? new Map<string, ScopeRef>();
    const now = unique(failures);
    const nowKeys = new Set(now.map(key));
    return {
      group,
      started: now.filter((f) => !before.has(key(f))),
      recovered: [...before.values()].filter((s) => !nowKeys.has(key(s))),
      failing: now,
    };
  }

  /** Records this poll's failures as the group's failing scopes. */
  record(group: string, failures: readonly ScopeFailure[]): void {
    if (failures.length === 0) this.failing.delete(group);
    else this.failing.set(group, new Map(unique(failures).map((f) => [key(f), { scope: f.scope, region: f.region }])));
  }

  /** Whether the change is worth a message. */
  static changed(change: ScopeHealthChange): boolean {
    return change.started.length > 0 || change.recovered.length > 0;
  }
}

/** One failure per scope and region (the first one's message). */
function unique(failures: readonly ScopeFailure[]): ScopeFailure[] {
  const seen = new Map<string, ScopeFailure>();
  for (const f of failures) if (!seen.has(key(f))) seen.set(key(f), f);
  return [...seen.values()];
}
