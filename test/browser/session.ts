/**
 * One describe block's demo workspace in Chromium: the e2e harness (bot, Slack stand-in, fleet
 * simulator) and a browser page on it, started in beforeAll and closed in afterAll.
 */
import { startHarness, type Harness } from '../support/bot';
import { WorkspacePage, launchWorkspaceBrowser, type WorkspaceBrowser } from './workspace-page';

/** The harness, the browser and the page, set once beforeAll has run. */
export interface WorkspaceSession {
  h: Harness;
  browser: WorkspaceBrowser;
  ws: WorkspacePage;
}

/** Registers the hooks; `prepare` runs on the harness before the browser starts (seeding data, say). */
export function useWorkspaceSession(prepare?: (h: Harness) => Promise<void>): WorkspaceSession {
  const session = {} as WorkspaceSession;
  beforeAll(async () => {
    session.h = await startHarness();
    await prepare?.(session.h);
    session.browser = await launchWorkspaceBrowser();
    session.ws = new WorkspacePage(session.browser.page);
  }, 120_000);
  afterAll(async () => {
    await session.browser?.close();
    await session.h?.close();
  });
  return session;
}
