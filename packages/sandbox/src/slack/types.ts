/** Shapes shared across the stand-in: JSON values, Block Kit as received, and what gets recorded. */

/** Any JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Whether a value is a JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Block Kit block as the bot sent it (validated loosely by blocks-validate.ts). */
export type SlackBlock = JsonObject & { type: string };

/** How a message or an ephemeral reached the workspace. */
export type Via =
  | 'files.completeUploadExternal'
  | 'chat.postMessage'
  | 'chat.postEphemeral'
  | 'chat.update'
  | 'response_url'
  | 'ack'
  | 'slack'
  | 'user';

/** One version of a message's content. */
export interface MessageVersion {
  at: Date;
  via: Via;
  text: string;
  blocks: SlackBlock[];
}

/** A channel message as it stands now (edits applied), with its history. */
export interface SlackMessage {
  type: 'message';
  channel: string;
  ts: string;
  /** Author: the bot's user id for everything the bot posts. */
  user: string;
  bot_id?: string;
  app_id?: string;
  text: string;
  blocks: SlackBlock[];
  thread_ts?: string;
  reply_broadcast?: boolean;
  /** Replies in this message's thread (parents only). */
  reply_count: number;
  edited?: { user: string; ts: string };
  /** Message metadata as the app posted it (returned by conversations.history/replies with `include_all_metadata`). */
  metadata?: MessageMetadata;
  /** Files shared with the message (files.completeUploadExternal), as Slack shows them: `{id, name, title, mimetype, ...}`. */
  files?: JsonObject[];
  via: Via;
  /** Every version, oldest first; the last is the current one. */
  history: MessageVersion[];
  postedAt: Date;
}

/** Slack's message metadata: an app-defined event type and a JSON payload. */
export interface MessageMetadata {
  event_type: string;
  event_payload: JsonObject;
}

/** An ephemeral message: shown to one user in one channel, never stored by Slack for others. */
export interface SlackEphemeral {
  channel: string;
  /** The one user who sees it. */
  user: string;
  ts: string;
  text: string;
  blocks: SlackBlock[];
  thread_ts?: string;
  /** Who it appears to come from: the bot, or `USLACKBOT` for Slack's own notices. */
  from: string;
  via: Via;
  history: MessageVersion[];
  postedAt: Date;
}

/** One Web API call as received and answered. */
export interface CallRecord {
  method: string;
  /** Arguments with JSON-encoded ones (blocks, view) decoded; the token is never kept. */
  args: Record<string, unknown>;
  at: Date;
  /** Where the token came from. */
  auth: 'bearer' | 'body' | 'none';
  status: number;
  response: JsonObject;
}

/** What a response_url POST did. */
export type ResponseOutcome = 'ephemeral' | 'in_channel' | 'replaced' | 'deleted' | 'refused';

/** One POST to a hosted response_url. */
export interface ResponseRecord {
  id: string;
  url: string;
  /** What the response_url was issued for. */
  source: 'command' | 'block_actions';
  user: string;
  channel: string;
  body: unknown;
  at: Date;
  status: number;
  outcome: ResponseOutcome;
  error?: string;
  /** The ts of the message or ephemeral it created or changed. */
  ts?: string;
}

/** A modal opened with views.open, as it stands now. */
export interface ModalRecord {
  id: string;
  user: string;
  triggerId: string;
  /** The view as the bot last sent it. */
  view: JsonObject;
  hash: string;
  state: 'open' | 'submitted' | 'closed';
  /** Field errors the bot answered a submission with (`response_action: errors`). */
  errors?: Record<string, string>;
  openedAt: Date;
  /** Each view the modal showed, oldest first. */
  history: JsonObject[];
}
