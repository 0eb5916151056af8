import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { NameDirectory } from '../../commands/command';
import { NO_HANDLES, type Handles } from './mrkdwn';

/** How long the workspace's user group handles are trusted before Slack is asked again. */
const HANDLES_TTL_MS = 5 * 60_000;
/** After a failed listing, how long before Slack is asked again (failures answer with what is known). */
const RETRY_AFTER_FAILURE_MS = 30_000;

export type { NameDirectory };

/** A directory that knows no handles (tests, and callers that name no user group). */
export const NO_NAMES: NameDirectory = { handles: async () => NO_HANDLES };

/**
 * User group handles through usergroups.list (one call lists the whole team's groups), cached for
 * five minutes like the authorizer's member lists. Slack is asked only when a user group id is
 * to be named. A failing listing is logged and answered with what was known before (or nothing),
 * so views say "a user group" instead of a raw id; naming never blocks or fails an answer.
 */
export class SlackNameDirectory implements NameDirectory {
  private cache: { handles: Map<string, string>; at: number; ok: boolean } | undefined;
  private inFlight: Promise<Map<string, string>> | undefined;

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async handles(ids?: Iterable<string>): Promise<Handles> {
    const wanted = ids === undefined ? undefined : [...ids].filter((id) => id.startsWith('S'));
    if (wanted !== undefined && wanted.length === 0) return NO_HANDLES;
    const now = this.clock.now().getTime();
    const fresh = this.cache && now - this.cache.at < (this.cache.ok ? HANDLES_TTL_MS : RETRY_AFTER_FAILURE_MS);
    const all = fresh && this.cache ? this.cache.handles : await this.list(now);
    return wanted === undefined
      ? all
      : new Map(wanted.flatMap((id) => (all.has(id) ? [[id, all.get(id) as string] as const] : [])));
  }

  private list(now: number): Promise<Map<string, string>> {
    // Concurrent askers share one listing.
    this.inFlight ??= this.client.usergroups.list({ include_disabled: false }).then(
      (res) => {
        const handles = new Map<string, string>();
        for (const g of res.usergroups ?? []) if (g.id && g.handle) handles.set(g.id, g.handle);
        this.cache = { handles, at: now, ok: true };
        return handles;
      },
      (err: unknown) => {
        this.logger.warn(
          { err },
          'could not list user groups; naming them "a user group" (add usergroups:read to the app?)',
        );
        const known = this.cache?.handles ?? new Map<string, string>();
        this.cache = { handles: known, at: now, ok: false };
        return known;
      },
    );
    const listing = this.inFlight;
    void listing.finally(() => {
      if (this.inFlight === listing) this.inFlight = undefined;
    });
    return listing;
  }
}
