/**
 * The shape of `/_ui/state`, shared by the server (state.ts builds it) and the page's browser
 * modules (which import it as types only). Blocks are described as far as the page reads them:
 * the stand-in has validated them as Block Kit when they were posted.
 */

/** A Block Kit text object. */
export interface UiText {
  type: 'plain_text' | 'mrkdwn';
  text?: string;
}

/** A button's confirm dialog. */
export interface UiConfirm {
  title?: UiText;
  text?: UiText;
  confirm?: UiText;
  deny?: UiText;
  style?: string;
}

/** A block element (button, image, select, input ...), with the fields the page reads. */
export interface UiElement {
  type: string;
  action_id?: string;
  text?: UiText;
  style?: string;
  url?: string;
  confirm?: UiConfirm;
  alt_text?: string;
  placeholder?: UiText;
  initial_option?: { text?: UiText };
  multiline?: boolean;
  max_length?: number;
  initial_value?: string;
}

/** An image element inside a context block. */
export interface UiImageElement extends UiElement {
  type: 'image';
}

/** A node of a rich_text block: a section, list, quote or preformatted part, or one of their leaves. */
export interface UiRichNode {
  type: string;
  elements?: UiRichNode[];
  text?: string;
  style?: { bold?: boolean; italic?: boolean; strike?: boolean; code?: boolean };
  url?: string;
  user_id?: string;
  channel_id?: string;
  unicode?: string;
  name?: string;
  range?: string;
}

/** What every block has. */
export interface UiBlockBase {
  type: string;
  block_id?: string;
}

/** The blocks the page draws, by type. */
export interface UiKnownBlocks {
  header: UiBlockBase & { type: 'header'; text?: UiText };
  section: UiBlockBase & { type: 'section'; text?: UiText; fields?: UiText[]; accessory?: UiElement };
  context: UiBlockBase & { type: 'context'; elements?: Array<UiText | UiImageElement> };
  divider: UiBlockBase & { type: 'divider' };
  actions: UiBlockBase & { type: 'actions'; elements?: UiElement[] };
  markdown: UiBlockBase & { type: 'markdown'; text?: string };
  rich_text: UiBlockBase & { type: 'rich_text'; elements?: UiRichNode[] };
  image: UiBlockBase & { type: 'image'; title?: UiText; alt_text?: string };
  input: UiBlockBase & {
    type: 'input';
    label?: UiText;
    hint?: UiText;
    optional?: boolean;
    element?: UiElement;
  };
}

/** A Block Kit block: one the page draws, or any other (shown as a stub). */
export type UiBlock = UiKnownBlocks[keyof UiKnownBlocks] | UiBlockBase;

/** A file shared with a message: images are shown inline, other files as a link; `url` is the stand-in's own path. */
export interface UiFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  url: string;
  size: number;
  alt?: string;
  width?: number;
  height?: number;
}

/** A message or an ephemeral as the page draws it. */
export interface UiPost {
  ts: string;
  user: string;
  text: string;
  blocks: UiBlock[];
  files?: UiFile[];
  thread_ts?: string;
  isBot?: boolean;
  edited?: boolean;
}

/** A channel message with its thread's replies (top-level messages only). */
export interface UiMessage extends UiPost {
  isBot: boolean;
  edited: boolean;
  versions: number;
  replies?: UiMessage[];
}

/** An open modal: its view and the errors of its last submission, by block id. */
export interface UiModal {
  id: string;
  view: { title?: UiText; blocks?: UiBlock[]; close?: UiText; submit?: UiText };
  errors: Record<string, string>;
}

/** A person in the user menu. */
export interface UiUser {
  id: string;
  name: string;
  displayName: string;
  title: string;
}

/** A channel in the sidebar. */
export interface UiChannel {
  id: string;
  name: string;
  botIsMember: boolean;
}

/** The JSON the page polls. */
export interface UiState {
  team: { id: string; name: string };
  bot: { userId: string; name: string };
  users: UiUser[];
  channels: UiChannel[];
  /** Display names by user, bot and user-group id. */
  names: Record<string, string>;
  channel: { id: string; name: string; topic: string } | null;
  user: { id: string; name: string } | null;
  messages: UiMessage[];
  ephemerals: UiPost[];
  modal: UiModal | null;
  /** The user's Home tab of the app, as views.publish last set it (null before the first publish). */
  home: UiHome | null;
}

/** A Home tab: its view id, its blocks and when it was last published. */
export interface UiHome {
  id: string;
  blocks: UiBlock[];
  publishedAt: string;
  publishes: number;
}
