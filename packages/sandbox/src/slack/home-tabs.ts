/**
 * Each user's Home tab of the app, as views.publish last set it: one view per user (Slack keeps
 * one Home view per user and app), its id stable across publishes, a fresh hash each time.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../shared/clock';
import { slackId } from './ids';
import type { JsonObject } from './types';

/** Publishes kept per user, newest last (the demo page and tests read the latest). */
const HISTORY_KEPT = 20;

/** One user's Home tab. */
export interface HomeRecord {
  id: string;
  user: string;
  view: JsonObject;
  hash: string;
  publishedAt: Date;
  /** How many times it was published. */
  publishes: number;
  /** The last views published, oldest first (at most 20). */
  history: JsonObject[];
}

/** The Home tabs of the workspace's users. */
export class HomeTabStore {
  private readonly homes = new Map<string, HomeRecord>();
  private revisions = 0;

  constructor(private readonly clock: Clock) {}

  /** Sets the user's Home view; returns a copy. */
  publish(user: string, view: JsonObject): HomeRecord {
    const current = this.homes.get(user);
    const record: HomeRecord = {
      id: current?.id ?? slackId('V', 10),
      user,
      view: structuredClone(view),
      hash: this.hash(view),
      publishedAt: this.clock.now(),
      publishes: (current?.publishes ?? 0) + 1,
      history: [...(current?.history ?? []), structuredClone(view)].slice(-HISTORY_KEPT),
    };
    this.homes.set(user, record);
    return structuredClone(record);
  }

  /** A copy of the user's Home, if one was published. */
  get(user: string): HomeRecord | undefined {
    const h = this.homes.get(user);
    return h ? structuredClone(h) : undefined;
  }

  /** Every published Home. */
  list(): HomeRecord[] {
    return [...this.homes.values()].map((h) => structuredClone(h));
  }

  /** Forgets every Home. */
  clear(): void {
    this.homes.clear();
  }

  private hash(view: JsonObject): string {
    const digest = createHash('sha1')
      .update(JSON.stringify(view))
      .update(String(++this.revisions))
      .digest('hex');
    return `${Math.floor(this.clock.now().getTime() / 1000)}.${digest.slice(0, 8)}`;
  }
}
