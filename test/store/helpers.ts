import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { openStore, type SqliteStoreOptions, type Store } from '../../src/store';
import type { NewOperation } from '../../src/store/operations';

/** A temporary directory removed after the test file. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An in-memory (or file) store on a manual clock. */
export async function testStore(
  options: Partial<SqliteStoreOptions> = {},
): Promise<{ store: Store; clock: ManualClock }> {
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const store = await openStore({ path: ':memory:', logger: silentLogger(), clock, ...options });
  return { store, clock };
}

/** A valid new install operation awaiting approval, four hours to expiry. */
export function pendingInstall(clock: ManualClock, overrides: Partial<NewOperation> = {}): NewOperation {
  return {
    kind: 'install',
    group: 'PRD',
    status: 'pending',
    requestedBy: 'U123',
    channel: 'C456',
    params: { rebootOption: 'RebootIfNeeded', maxConcurrency: '10%', maxErrors: '1' },
    expiresAt: new Date(clock.now().getTime() + 4 * 3600_000),
    ...overrides,
  };
}

/** Polls `ok` every 10 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
