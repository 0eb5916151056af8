/**
 * Jest's one-time set-up: makes sure the Debian packages tests need are present before any worker
 * starts, so two workers never run apt-get at once: Chromium for the browser tests, python3-botocore
 * (AWS's service models) for the AWS contract test. Each is skipped when the run selects no test
 * that needs it.
 */
import { join } from 'node:path';
import type { Config } from '@jest/types';
import { ensureChromium } from './chromium';
import { ensureBotocoreModels } from './botocore';

const A_BROWSER_TEST = join(__dirname, '../browser/workspace.browser.test.ts');
const THE_CONTRACT_TEST = join(__dirname, '../contract/aws-models.contract.test.ts');

export default function globalSetup(globalConfig: Config.GlobalConfig): void {
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
}
