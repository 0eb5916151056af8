import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { TurnBudget } from '../shared/turn-budget';
import type { PatchbotDatabase } from './schema';

/**
 * What every repository needs: where its queries run (the store's connection, or a transaction's),
 * where the data lives (for error messages), time and logs.
 */
export interface StoreContext {
  /** The query builder: the store's own, or one bound to the transaction the repository belongs to. */
  db: Kysely<PatchbotDatabase>;
  /** Which database the queries go to, for the few statements that differ (row locks). */
  backend: 'sqlite' | 'postgres';
  /** The SQLite file, or the PostgreSQL database without its password; named in every StoreError. */
  path: string;
  clock: Clock;
  logger: Logger;
  /** Background reads of many rows take their pages in its turns, so Slack's requests come first. */
  turns: TurnBudget;
  /**
   * Runs `fn` all-or-nothing: in a new transaction (IMMEDIATE on SQLite) when called outside one,
   * as a savepoint when the context already belongs to a transaction.
   */
  atomic<T>(fn: (ctx: StoreContext) => Promise<T>): Promise<T>;
}
