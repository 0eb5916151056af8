import type Database from 'better-sqlite3';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

/** What every repository needs: the connection, the file's path (for error messages), time and logs. */
export interface StoreContext {
  db: Database.Database;
  path: string;
  clock: Clock;
  logger: Logger;
}
