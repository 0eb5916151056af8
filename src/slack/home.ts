/**
 * The App Home tab: on `app_home_opened` (tab `home`) the viewer's Home is built from the store
 * (src/patching/home.ts), rendered (views/home.ts) and published with views.publish, which needs no
 * scope beyond the bot token. Events come through Bolt's one pipeline, over HTTP or Socket Mode.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { buildHome, type HomeDeps } from '../patching/home';
import type { Logger } from '../logger';
import { namesIn, type Sentence } from '../sentence';
import type { NameDirectory } from './directory';
import type { HomeRefresher } from './home-refresh';
import { renderSentence } from './mrkdwn';
import { homeView } from './views/home';

/** Builds and publishes one user's Home. */
export class HomeTab {
  private readonly log: Logger;

  constructor(
    private readonly client: Pick<WebClient, 'views'>,
    private readonly deps: HomeDeps,
    private readonly names: NameDirectory,
    logger: Logger,
  ) {
    this.log = logger.child({ subsystem: 'home' });
  }

  /** Publishes the user's Home, with `notice` (the answer to their last click) on top when given. */
  async publish(userId: string, notice?: Sentence | string): Promise<void> {
    const data = await buildHome(this.deps, userId);
    const text =
      notice === undefined
        ? undefined
        : renderSentence(notice, await this.names.handles(namesIn(notice, ['principal'])));
    const view = homeView(data, text);
    await this.client.views.publish({ user_id: userId, view });
    this.log.debug({ userId, blocks: view.blocks.length }, 'home published');
  }
}

/** Listens for `app_home_opened` on the Home tab (the Messages tab and others are ignored). */
export function registerHome(app: App, refresher: HomeRefresher, logger: Logger): void {
  const log = logger.child({ subsystem: 'home' });
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    log.info({ userId: event.user }, 'home opened');
    await refresher.opened(event.user);
  });
}
