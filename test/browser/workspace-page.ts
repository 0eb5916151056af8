/**
 * The demo workspace as a person uses it, driven through Chromium: open a channel as someone,
 * type a slash command, switch user, click a message's button and answer its confirm dialog.
 * Shared by the browser tests and `npm run screenshots`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../support/chromium';

/** A card's heading once its operation has ended ("Scan of PRD succeeded"); the running card already reads "0 succeeded". */
export function ended(what: string): RegExp {
  return new RegExp(`${what} (succeeded|finished with problems|failed|was cancelled)`);
}

/** A headless Debian Chromium with a fresh profile, closed (profile removed) by `close()`. */
export interface WorkspaceBrowser {
  page: Page;
  close(): Promise<void>;
}

/** Starts Chromium on a new, empty profile and opens one tab at a desktop size. */
export async function launchWorkspaceBrowser(): Promise<WorkspaceBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'patchbot-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: ensureChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1180, height: 860 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** One browser tab on the stand-in's channel page. */
export class WorkspacePage {
  constructor(readonly page: Page) {}

  /** Opens `channelId` as `userId` and waits for the channel to render. */
  async open(baseUrl: string, channelId: string, userId: string): Promise<void> {
    await this.page.goto(`${baseUrl}/?channel=${channelId}&user=${userId}`);
    await this.page.getByLabel('Current user').waitFor();
    await this.page.waitForFunction(
      `document.querySelector('[aria-label="Current user"]')?.value === ${JSON.stringify(userId)}`,
    );
  }

  /** Types a slash command into the composer and sends it with Enter. */
  async send(command: string): Promise<void> {
    const input = this.page.getByLabel('Message or slash command');
    await input.fill(command);
    await input.press('Enter');
  }

  /** Becomes another person in the workspace, as the user menu does. */
  async switchUser(userId: string): Promise<void> {
    await this.page.getByLabel('Current user').selectOption(userId);
    await this.page.waitForFunction(`new URLSearchParams(location.search).get('user') === ${JSON.stringify(userId)}`);
  }

  /** The newest message (or ephemeral) whose text matches; waits until one shows. */
  async message(text: RegExp, timeoutMs = 20_000): Promise<Locator> {
    const found = this.page.locator('#log .msg').filter({ hasText: text }).last();
    await found.waitFor({ timeout: timeoutMs });
    return found;
  }

  /** The message with this Slack timestamp, wherever it is in the log. */
  byTs(ts: string): Locator {
    return this.page.locator(`#log .msg[data-ts="${ts}"]`).first();
  }

  /** Clicks a button in `message`; when it asks for confirmation, answers with `confirmLabel`. */
  async click(message: Locator, label: string, confirmLabel?: string): Promise<void> {
    await message.getByRole('button', { name: label, exact: true }).first().click();
    if (confirmLabel) await this.confirmDialog().getByRole('button', { name: confirmLabel, exact: true }).click();
  }

  /** The confirm dialog of a button, when one is open. */
  confirmDialog(): Locator {
    return this.page.getByRole('dialog');
  }

  /** Opens the app's Home tab from the sidebar (the page sends app_home_opened) and waits for the bot's view. */
  async openHome(): Promise<Locator> {
    await this.page.locator('#apps button').first().click();
    const home = this.page.getByRole('region', { name: 'Home tab' });
    await home.locator('.blocks').waitFor();
    return home;
  }

  /** Back from the Home tab to a channel, by its name in the sidebar. */
  async openChannel(name: string): Promise<void> {
    await this.page
      .locator('#channels button', { hasText: `# ${name}` })
      .first()
      .click();
    await this.page.locator('#log').waitFor();
  }

  /** Waits until `message` reads `text` (it is updated in place). */
  async waitForText(message: Locator, text: RegExp, timeoutMs = 20_000): Promise<void> {
    await message.filter({ hasText: text }).waitFor({ timeout: timeoutMs });
  }
}
