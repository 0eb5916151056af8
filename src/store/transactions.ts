import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  sql,
} from 'kysely';
import type { Clock } from '../clock';
import { PatchbotError } from '../errors';
import type { TurnBudget } from '../shared/turn-budget';
import type { Logger } from '../logger';
import type { StoreContext } from './context';
import { storeFailure } from './failure';
import type { PatchbotDatabase } from './schema';

/**
 * Transactions over Kysely, the same for every backend: one connection is taken for the whole
 * transaction (on SQLite, Kysely's one connection behind its mutex, so the process's other queries
 * wait), `begin` is the backend's own (`begin immediate` on SQLite, so the write lock is taken
 * before the first read and compare-and-set across processes on one file holds), and a nested
 * transaction is a savepoint on the same connection.
 *
 * A query on the store itself from inside one of its transactions would wait for the connection
 * the transaction holds, forever on SQLite. Such a query is refused at once instead, with an error
 * that says to use the transaction's repositories.
 */

/** What a backend tells the transaction code. */
export interface BackendInfo {
  backend: 'sqlite' | 'postgres';
  path: string;
  clock: Clock;
  logger: Logger;
  turns: TurnBudget;
  /** The statement that starts a transaction: `begin immediate` (SQLite), `begin` (PostgreSQL). */
  begin: string;
}

interface Marker {
  active: boolean;
}

/** The store's own context: its queries run on their own, its `atomic` starts a transaction. */
export function rootContext(base: Kysely<PatchbotDatabase>, backend: BackendInfo): StoreContext {
  const inside = new AsyncLocalStorage<Marker>();
  const refuseInside = (): void => {
    if (inside.getStore()?.active) {
      throw new PatchbotError(
        'INTERNAL',
        'store: a query on the store itself ran inside one of its transactions (it would wait for that transaction forever); use the transaction`s repositories',
      );
    }
  };
  const guard: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs) {
      refuseInside();
      return args.node;
    },
    transformResult: async (args: PluginTransformResultArgs) => args.result,
  };

  const atomic = <T>(fn: (ctx: StoreContext) => Promise<T>): Promise<T> => {
    refuseInside();
    return base.connection().execute(async (conn) => {
      await run(backend, 'starting a transaction', () => sql.raw(backend.begin).execute(conn));
      const marker: Marker = { active: true };
      try {
        const result = await inside.run(marker, () => fn(transactionContext(conn, backend, { next: 0 })));
        await run(backend, 'committing a transaction', () => sql.raw('commit').execute(conn));
        return result;
      } catch (err) {
        await quietly(() => sql.raw('rollback').execute(conn));
        throw err;
      } finally {
        marker.active = false;
      }
    });
  };
  return { ...backend, db: base.withPlugin(guard), atomic };
}

/** A context bound to one transaction's connection; its `atomic` is a savepoint. */
function transactionContext(
  conn: Kysely<PatchbotDatabase>,
  backend: BackendInfo,
  names: { next: number },
): StoreContext {
  const ctx: StoreContext = {
    backend: backend.backend,
    path: backend.path,
    clock: backend.clock,
    logger: backend.logger,
    turns: backend.turns,
    db: conn,
    async atomic<T>(fn: (ctx: StoreContext) => Promise<T>): Promise<T> {
      const name = `patchbot_sp${++names.next}`;
      await run(backend, 'starting a savepoint', () => sql.raw(`savepoint ${name}`).execute(conn));
      try {
        const result = await fn(ctx);
        await run(backend, 'releasing a savepoint', () => sql.raw(`release savepoint ${name}`).execute(conn));
        return result;
      } catch (err) {
        await quietly(async () => {
          await sql.raw(`rollback to savepoint ${name}`).execute(conn);
          await sql.raw(`release savepoint ${name}`).execute(conn);
        });
        throw err;
      }
    },
  };
  return ctx;
}

async function run(backend: BackendInfo, what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    throw storeFailure(backend.path, what, err);
  }
}

/** A rollback after a failure: the first error is the one to report; the driver may have rolled back already. */
async function quietly(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch {
    // Nothing to add: the transaction is over either way.
  }
}
