import type { StoreContext } from './context';

/**
 * The tool an operator fixes or deletes a bad row with, as error hints name it: the store's backend
 * decides, since a PostgreSQL operator has no SQLite file to open and a SQLite one has no server.
 */
export function repairTool(backend: StoreContext['backend']): string {
  return backend === 'postgres' ? 'psql' : 'the sqlite3 shell';
}
