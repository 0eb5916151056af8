/** What a driver request may say: its options, the identity it names, forgeries, and matchers for waits. */
import { textOf } from './messages';
import type { StandInContext } from './context';
import type { JsonObject } from './types';

/** Ways to forge or replay a request; none of them is what Slack would do. */
export interface ForgeOptions {
  /** Sign with this secret instead of the real one. */
  signingSecret?: string;
  /** Shift the signing timestamp by this many seconds (negative: in the past). */
  timestampOffsetSeconds?: number;
  /** Use exactly this timestamp (epoch seconds). */
  timestamp?: number;
  /** Send this body instead of the one built (replay a captured body). */
  rawBody?: string;
  /** Send this signature instead of computing one (replay a captured signature). */
  signature?: string;
  /** Send no signing headers at all. */
  unsigned?: boolean;
}

/** Options every send takes. */
export interface SendOptions extends ForgeOptions {
  /** How long to wait for the bot's HTTP answer (default 10 s; Slack itself gives up after 3 s). */
  timeoutMs?: number;
}

/** What the bot answered, how fast, and what was sent (for replays). */
export interface DriverResult {
  status: number;
  body: string;
  /** The body parsed as JSON when it is JSON. */
  json?: unknown;
  elapsedMs: number;
  sent: { body: string; timestamp: number; signature: string };
  responseUrl?: string;
  triggerId?: string;
  /**
   * The error Slack would show the user: `operation_timeout` when the bot took longer than the
   * ack deadline, `dispatch_failed` for a non-2xx answer. Absent when the request went well.
   */
  slackError?: 'operation_timeout' | 'dispatch_failed';
}

/**
 * Whom a request says it is for. Slack fills these from the workspace the user acts in; tests set
 * them to play a request from another workspace, enterprise or app (still correctly signed).
 */
export interface IdentityOptions {
  /** team_id / team.id (default: the workspace's). */
  teamId?: string;
  /** api_app_id (default: the bot's app). */
  appId?: string;
  /** enterprise_id / enterprise.id (default: the workspace's enterprise, if any; null for none). */
  enterpriseId?: string | null;
  /** is_enterprise_install (default: whether the app is installed org-wide). */
  isEnterpriseInstall?: boolean;
}

/** A slash command as a user types it. */
export interface SlashCommandOptions extends SendOptions, IdentityOptions {
  userId: string;
  channelId: string;
  text: string;
  command?: string;
}

/** A click on a button of a message (a channel message or an ephemeral). */
export interface BlockActionOptions extends SendOptions, IdentityOptions {
  userId: string;
  channelId: string;
  /** The ts of the message (or ephemeral) the button is on. */
  messageTs: string;
  actionId: string;
  /** Defaults to the block the button is in. */
  blockId?: string;
  /** Defaults to the button's own value; set it to forge one. */
  value?: string;
}

/** A modal submitted by its user. */
export interface ViewSubmissionOptions extends SendOptions {
  userId: string;
  viewId: string;
  /** Input values by action_id (or block_id): a string for text inputs, an option value for selects. */
  inputs?: Record<string, string | string[]>;
  /** Raw `state.values`, used as given (overrides `inputs`). */
  values?: Record<string, Record<string, JsonObject>>;
}

/** A text to find, a pattern, or a predicate. */
export type Matcher<T> = string | RegExp | ((item: T) => boolean);

/** Whether an item's text (blocks included) matches; no matcher matches everything. */
export function matches<T extends { text: string; blocks: readonly unknown[] }>(
  item: T,
  match: Matcher<T> | undefined,
): boolean {
  if (match === undefined) return true;
  if (typeof match === 'function') return match(item);
  const text = textOf(item);
  return typeof match === 'string' ? text.includes(match) : match.test(text);
}

/** The team, enterprise and app a request names: the workspace's own unless overridden. */
export function identity(ws: StandInContext['workspace'], o: IdentityOptions) {
  const enterpriseId = o.enterpriseId === undefined ? ws.enterprise?.id : o.enterpriseId;
  return {
    teamId: o.teamId ?? ws.team.id,
    appId: o.appId ?? ws.bot.appId,
    enterprise: enterpriseId
      ? { id: enterpriseId, name: enterpriseId === ws.enterprise?.id ? ws.enterprise.name : 'Other enterprise' }
      : undefined,
    isEnterpriseInstall: o.isEnterpriseInstall ?? ws.orgInstall,
  };
}

/** Whether any option forges the request, so Slack's own follow-up (showing the ack) is skipped. */
export function isForged(o: ForgeOptions): boolean {
  return (
    o.signingSecret !== undefined ||
    o.timestampOffsetSeconds !== undefined ||
    o.timestamp !== undefined ||
    o.rawBody !== undefined ||
    o.signature !== undefined ||
    o.unsigned === true
  );
}
