/**
 * Jest's one-time set-up: makes sure Debian's Chromium is present for the browser tests before any
 * worker starts, so two workers never run apt-get at once. Skipped when the run selects no browser test.
 */
import { join } from 'node:path';
import type { Config } from '@jest/types';
import { ensureChromium } from './chromium';

const A_BROWSER_TEST = join(__dirname, '../browser/workspace.browser.test.ts');

export default function globalSetup(globalConfig: Config.GlobalConfig): void {
  const pattern = globalConfig.testPathPattern;
  if (pattern && !new RegExp(pattern, 'i').test(A_BROWSER_TEST)) return;
  ensureChromium((line) => process.stdout.write(`${line}\n`));
}
