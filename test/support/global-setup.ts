/**
 * Jest's one-time set-up: makes sure the Debian packages tests need are present before any worker
 * starts, so two workers never run apt-get at once: Chromium for the browser tests, python3-botocore
 * (AWS's service models) for the AWS contract test, and a PostgreSQL server for the store tests
 * (started here, its URL handed to the workers, stopped by global-teardown.ts). Each is skipped when
 * the run selects no test that needs it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@jest/types';
import { ensureChromium } from './chromium';
import { ensureBotocoreModels } from './botocore';
import { startPostgres, TEST_DATABASE_URL } from './postgres';

const A_BROWSER_TEST = join(__dirname, '../browser/workspace.browser.test.ts');
const THE_CONTRACT_TEST = join(__dirname, '../contract/aws-models.contract.test.ts');
// Any test file under test/store/ or test/replicas/ selected starts the server: the store's tests run on
// both backends, leadership and health on PostgreSQL live there too, and the replicas share one database.
const POSTGRES_TESTS = ['../store', '../replicas'].flatMap((folder) => {
  const dir = join(__dirname, folder);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => join(dir, file));
});

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  const pattern = globalConfig.testPathPattern;
  const selects = (file: string) => !pattern || new RegExp(pattern, 'i').test(file);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  if (selects(A_BROWSER_TEST)) ensureChromium(log);
  if (selects(THE_CONTRACT_TEST)) {
    // Where the models cannot be installed, the contract test itself fails with the command to run; the rest still runs.
    try {
      ensureBotocoreModels(log);
    } catch (err) {
      log(`AWS contract test will fail: ${(err as Error).message}`);
    }
  }
  if (POSTGRES_TESTS.some(selects) && !process.env[TEST_DATABASE_URL]) {
    const started = Date.now();
    const server = await startPostgres(log);
    // Workers are started after this and inherit the environment; the teardown finds the server here.
    process.env[TEST_DATABASE_URL] = server.url;
    (globalThis as { patchbotPostgres?: typeof server }).patchbotPostgres = server;
    log(`PostgreSQL for the store tests on ${server.url} (started in ${Date.now() - started} ms)`);
  }
}
