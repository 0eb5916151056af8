/** Jest's one-time tear-down: stops the PostgreSQL server global-setup.ts started, if it started one. */
import { type StartedPostgres, stopPostgres } from './postgres';

export default function globalTeardown(): void {
  const holder = globalThis as { patchbotPostgres?: StartedPostgres };
  if (holder.patchbotPostgres) stopPostgres(holder.patchbotPostgres);
  holder.patchbotPostgres = undefined;
}
