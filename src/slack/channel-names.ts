/**
 * Channel names → channel ids. patchbot.yml may name a channel by id (`C0123ABC`) or by name
 * (`#patching`), but chat.update and the card's buttons work with ids only, so at start every
 * configured channel is resolved once (`resolveConfigChannels`) and from then on the domain and
 * the views see ids alone. Commands resolve what a user typed (`#name`, `name`, `<#C…|name>`)
 * through the same directory, from a listing cached for a few minutes.
 */
import { webApi } from '@slack/bolt';
import type { PatchbotConfig } from '../config';
import { PatchbotError } from '../errors';
import type { Logger } from '../logger';
import { adviceLine, slackAdvice, slackCodeOf, slackFailure } from './error-advice';
import { boltLogger } from './bolt-logger';
import type { SlackAuthTarget } from './auth-check';
import { WEB_API_TIMEOUT_MS } from './timeouts';

type WebClient = webApi.WebClient;

/** A channel id: C… (G… for older private channels). */
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
/** conversations.list page size: Slack recommends no more than 200. */
const PAGE_SIZE = 200;
/** Pages read at most (40,000 channels); past that a name is reported as not found, with the id as the fix. */
const MAX_PAGES = 200;
/** How long a listing answers typed names before Slack is asked again. */
const LISTING_TTL_MS = 5 * 60_000;
/** A name not in a listing at least this old is looked for in a fresh one (a channel created since). */
const MISS_REFRESH_MS = 30_000;

/** A channel as the bot sees it. */
export interface KnownChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  /** Whether the bot is a member (it can post there). */
  isMember: boolean;
}

/** One channel patchbot.yml names, and where. */
export interface ConfigChannel {
  /** As written: an id or a name (`#patching`). */
  value: string;
  /** The document path, e.g. `groups.WIN.channel`. */
  path: string;
}

/** Whether a reference is a channel id rather than a name. */
export function isChannelId(ref: string): boolean {
  return CHANNEL_ID.test(ref);
}

/** A channel name as Slack stores it: no leading `#`, lower case. */
export function channelNameKey(ref: string): string {
  return ref.replace(/^#/, '').toLowerCase();
}

/** Every channel the config names (groups' `channel`, `windows.channels`), with its document path. */
export function configChannels(config: PatchbotConfig): ConfigChannel[] {
  return [
    ...config.groups.map((g) => ({ value: g.channel, path: `groups.${g.name}.channel` })),
    ...Object.entries(config.windows.channels).map(([window, value]) => ({
      value,
      path: `windows.channels.${window}`,
    })),
  ];
}

/** The config with every channel replaced by its id from `ids` (keyed by the value as written). */
export function withChannelIds(config: PatchbotConfig, ids: ReadonlyMap<string, string>): PatchbotConfig {
  const id = (value: string) => ids.get(value) ?? value;
  return {
    ...config,
    groups: config.groups.map((g) => ({ ...g, channel: id(g.channel) })),
    windows: {
      ...config.windows,
      channels: Object.fromEntries(Object.entries(config.windows.channels).map(([w, c]) => [w, id(c)])),
    },
  };
}

/** A WebClient for the directory before Bolt's app exists: the bot token, SLACK_API_URL, a timeout and a few retries (429s waited out). */
export function channelsClient(target: SlackAuthTarget, logger: Logger): WebClient {
  return new webApi.WebClient(target.botToken, {
    ...(target.apiUrl ? { slackApiUrl: target.apiUrl } : {}),
    logger: boltLogger(logger.child({ subsystem: 'channels' })),
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5000 },
    timeout: WEB_API_TIMEOUT_MS,
  });
}

/**
 * The channels the bot can see, by id and by name: public channels and the private ones it is in
 * (conversations.list, types public_channel,private_channel, 200 a page by cursor). Listings of
 * live channels are cached for LISTING_TTL_MS; archived ones are looked for only to explain a miss.
 */
export class ChannelDirectory {
  private live: { byName: Map<string, KnownChannel>; byId: Map<string, KnownChannel>; at: number } | undefined;
  private readonly log: Logger;

  constructor(
    private readonly client: WebClient,
    logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.log = logger.child({ subsystem: 'channels' });
  }

  /**
   * The channel a reference names: an id is taken as it is (Slack checks it when posting); a name
   * (`#patching` or `patching`) is looked up among live channels. Undefined when no live channel has that name.
   */
  async find(ref: string): Promise<{ id: string; name?: string } | undefined> {
    if (isChannelId(ref)) return { id: ref };
    const key = channelNameKey(ref);
    let listing = await this.listing();
    let hit = listing.byName.get(key);
    if (!hit && this.now() - listing.at >= MISS_REFRESH_MS) {
      listing = await this.listing(true);
      hit = listing.byName.get(key);
    }
    return hit ? { id: hit.id, name: hit.name } : undefined;
  }

  /**
   * The config with every channel as an id. Names are looked up among live channels; ids not seen
   * in a listing are checked with conversations.info. A name Slack does not know, an archived
   * channel or an id Slack does not know ends start-up with the config path and the fix.
   */
  async resolveConfig(config: PatchbotConfig): Promise<ResolvedChannels> {
    const refs = configChannels(config);
    const names = refs.filter((r) => !isChannelId(r.value));
    const ids = new Map<string, string>();
    const problems: string[] = [];
    const warnings: string[] = [];
    const listing = names.length > 0 ? await this.listing(true) : undefined;
    const archivedByName = new Map<string, KnownChannel>();
    const unresolved = names.filter((r) => !listing?.byName.has(channelNameKey(r.value)));
    if (unresolved.length > 0) for (const c of await this.list(false)) if (c.isArchived) archivedByName.set(c.name, c);
    for (const ref of names) {
      const key = channelNameKey(ref.value);
      const hit = listing?.byName.get(key);
      if (hit) {
        ids.set(ref.value, hit.id);
        if (!hit.isMember)
          warnings.push(
            `patchbot is not in ${ref.value} (${hit.id}, ${ref.path}): invite it with /invite @patchbot, or it cannot post there`,
          );
        continue;
      }
      const archived = archivedByName.get(key);
      problems.push(
        archived
          ? `channel ${ref.value} (${ref.path}) is archived (${archived.id}): unarchive it, or name a channel in use`
          : `channel ${ref.value} (${ref.path}) is not a channel patchbot can see: check the spelling, invite patchbot to it if it is private (/invite @patchbot), or give the channel's id (C…, at the bottom of its details)`,
      );
    }
    const checked = new Set<string>();
    for (const ref of refs.filter((r) => isChannelId(r.value))) {
      if (checked.has(ref.value) || listing?.byId.has(ref.value)) continue;
      checked.add(ref.value);
      const verdict = await this.checkId(ref);
      if (verdict.problem) problems.push(verdict.problem);
      if (verdict.warning) warnings.push(verdict.warning);
    }
    if (problems.length > 0) {
      throw new PatchbotError('CONFIG_INVALID', `unusable channels in the config: ${problems.join('; ')}`, {
        userMessage: `${capitalise(problems.join('; '))}.`,
      });
    }
    for (const w of warnings) this.log.warn(w);
    if (ids.size > 0) this.log.info({ channels: Object.fromEntries(ids) }, 'channel names resolved to ids');
    return { config: withChannelIds(config, ids), warnings };
  }

  /**
   * What is wrong with a configured channel id, if anything (conversations.info). Archived stops
   * start-up; an id Slack does not show the bot only warns, since inviting the bot to a private
   * channel fixes it without a restart.
   */
  private async checkId(ref: ConfigChannel): Promise<{ problem?: string; warning?: string }> {
    try {
      const answer = await this.client.conversations.info({ channel: ref.value });
      if (answer.channel?.is_archived)
        return {
          problem: `channel ${ref.value} (${ref.path}${answer.channel.name ? `, #${answer.channel.name}` : ''}) is archived: unarchive it, or name a channel in use`,
        };
      if (answer.channel?.is_member === false)
        return {
          warning: `patchbot is not in ${ref.value} (${ref.path}): invite it with /invite @patchbot, or it cannot post there`,
        };
      return {};
    } catch (err) {
      if (slackCodeOf(err) === 'channel_not_found') {
        return {
          warning: `Slack shows patchbot no channel ${ref.value} (${ref.path}): check the id, or invite patchbot if it is a private channel (/invite @patchbot); posts there fail until then`,
        };
      }
      throw slackFailure(err, { method: 'conversations.info', channel: ref.value });
    }
  }

  /** The cached listing of live channels, fetched again when stale or when `fresh`. */
  private async listing(fresh = false): Promise<NonNullable<ChannelDirectory['live']>> {
    if (!fresh && this.live && this.now() - this.live.at < LISTING_TTL_MS) return this.live;
    const channels = await this.list(true);
    this.live = {
      byName: new Map(channels.map((c) => [c.name, c])),
      byId: new Map(channels.map((c) => [c.id, c])),
      at: this.now(),
    };
    return this.live;
  }

  /** Every channel the bot can see, paged by cursor; without archived ones when `excludeArchived`. */
  private async list(excludeArchived: boolean): Promise<KnownChannel[]> {
    const out: KnownChannel[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      let answer: Awaited<ReturnType<typeof this.client.conversations.list>>;
      try {
        answer = await this.client.conversations.list({
          types: 'public_channel,private_channel',
          exclude_archived: excludeArchived,
          limit: PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
        });
      } catch (err) {
        const advice = slackAdvice(err, { method: 'conversations.list' });
        if (advice) this.log.error({ slackError: advice.code }, adviceLine(advice));
        throw slackFailure(err, { method: 'conversations.list' });
      }
      for (const c of answer.channels ?? []) {
        if (!c.id || !c.name) continue;
        out.push({
          id: c.id,
          name: c.name,
          isPrivate: Boolean(c.is_private),
          isArchived: Boolean(c.is_archived),
          isMember: Boolean(c.is_member),
        });
      }
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) return out;
    }
    this.log.warn(
      { pages: MAX_PAGES },
      'stopped listing channels after the page limit; give channels by id in patchbot.yml',
    );
    return out;
  }
}

/** The config with ids for channels, and what works but probably not as meant (the bot not in a channel). */
export interface ResolvedChannels {
  config: PatchbotConfig;
  warnings: string[];
}

/** Resolves the config's channel names to ids at start, through a client of its own (Bolt's app is not built yet). */
export async function resolveConfigChannels(
  config: PatchbotConfig,
  target: SlackAuthTarget,
  logger: Logger,
): Promise<ResolvedChannels & { directory: ChannelDirectory }> {
  const directory = new ChannelDirectory(channelsClient(target, logger), logger);
  return { ...(await directory.resolveConfig(config)), directory };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
