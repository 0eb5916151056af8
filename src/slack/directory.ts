import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { NameDirectory } from '../../commands/command';
import { NO_HANDLES, type Handles } from './mrkdwn';

/** How long the workspace's user group handles are trusted before Slack is asked again. */
const HANDLES_TTL_MS = 5 * 60_000;
/** After a failed listing, how long before Slack is asked again (failures answer with what is known). */
const RETRY_AFTER_FAILURE_MS = 30_000;
/** How long a person's name (users.info) is trusted; the most names kept. */
const NAMES_TTL_MS = 60 * 60_000;
const NAMES_KEPT = 2000;

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
  private readonly people = new Map<string, { name: string | undefined; at: number }>();

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

  /** A person's real name (else display name, else user name) through users.info; undefined when Slack does not say. */
  async userName(userId: string): Promise<string | undefined> {
    const now = this.clock.now().getTime();
    const cached = this.people.get(userId);
    if (cached && now - cached.at < NAMES_TTL_MS) return cached.name;
    let name: string | undefined;
    try {
      const { user } = await this.client.users.info({ user: userId });
      name = user?.real_name || user?.profile?.display_name || user?.name || undefined;
    } catch (err) {
      this.logger.warn({ err, user: userId }, 'could not look a user up; their name is left out');
    }
    if (this.people.size >= NAMES_KEPT) this.people.delete(this.people.keys().next().value as string);
    this.people.set(userId, { name, at: now });
    return name;
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
