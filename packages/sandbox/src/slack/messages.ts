/**
 * Channel messages (with threads and edit history) and ephemeral messages. The store hands out
 * copies, so what a test holds is a snapshot, never live state.
 */
import type { Clock } from '../shared/clock';
import { TsGenerator, compareTs } from './ids';
import type { JsonObject, MessageMetadata, SlackBlock, SlackEphemeral, SlackMessage, Via } from './types';

/** What a new channel message carries. */
export interface NewMessage {
  channel: string;
  user: string;
  botId?: string;
  appId?: string;
  text: string;
  blocks: SlackBlock[];
  threadTs?: string;
  replyBroadcast?: boolean;
  metadata?: MessageMetadata;
  /** Files shared with the message. */
  files?: JsonObject[];
  via: Via;
}

/** What a new ephemeral carries. */
export interface NewEphemeral {
  channel: string;
  user: string;
  from: string;
  text: string;
  blocks: SlackBlock[];
  threadTs?: string;
  via: Via;
}

/** New content for an existing message or ephemeral. */
export interface Revision {
  text: string;
  blocks: SlackBlock[];
  via: Via;
  /** Who edited (for `edited.user`). */
  editor: string;
  /** New metadata; absent keeps the message's metadata. */
  metadata?: MessageMetadata;
}

function copyMessage(m: SlackMessage): SlackMessage {
  return structuredClone(m);
}

/** All messages of the workspace. */
export class MessageStore {
  private readonly byChannel = new Map<string, SlackMessage[]>();
  private ephemeralList: SlackEphemeral[] = [];
  readonly ts: TsGenerator;

  constructor(private readonly clock: Clock) {
    this.ts = new TsGenerator(clock);
  }

  /** Forgets every message and ephemeral. */
  clear(): void {
    this.byChannel.clear();
    this.ephemeralList = [];
  }

  /** Posts a message (a thread reply when `threadTs` is set) and returns a copy of it. */
  post(input: NewMessage): SlackMessage {
    const now = this.clock.now();
    const ts = this.ts.next();
    const message: SlackMessage = {
      type: 'message',
      channel: input.channel,
      ts,
      user: input.user,
      ...(input.botId ? { bot_id: input.botId } : {}),
      ...(input.appId ? { app_id: input.appId } : {}),
      text: input.text,
      blocks: structuredClone(input.blocks),
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      ...(input.threadTs && input.replyBroadcast ? { reply_broadcast: true } : {}),
      reply_count: 0,
      ...(input.metadata ? { metadata: structuredClone(input.metadata) } : {}),
      ...(input.files ? { files: structuredClone(input.files) } : {}),
      via: input.via,
      history: [{ at: now, via: input.via, text: input.text, blocks: structuredClone(input.blocks) }],
      postedAt: now,
    };
    const list = this.list(input.channel);
    list.push(message);
    if (input.threadTs) {
      const parent = list.find((m) => m.ts === input.threadTs);
      if (parent) {
        parent.reply_count += 1;
        if (!parent.thread_ts) parent.thread_ts = parent.ts;
      }
    }
    return copyMessage(message);
  }

  /** The live message (internal use); undefined when there is none. */
  private find(channel: string, ts: string): SlackMessage | undefined {
    return this.byChannel.get(channel)?.find((m) => m.ts === ts);
  }

  /** A copy of one message. */
  get(channel: string, ts: string): SlackMessage | undefined {
    const m = this.find(channel, ts);
    return m ? copyMessage(m) : undefined;
  }

  /** Applies new content to a message; returns the updated copy or undefined when it does not exist. */
  revise(channel: string, ts: string, revision: Revision): SlackMessage | undefined {
    const m = this.find(channel, ts);
    if (!m) return undefined;
    const now = this.clock.now();
    m.text = revision.text;
    m.blocks = structuredClone(revision.blocks);
    m.edited = { user: revision.editor, ts: this.ts.next() };
    if (revision.metadata) m.metadata = structuredClone(revision.metadata);
    m.history.push({ at: now, via: revision.via, text: revision.text, blocks: structuredClone(revision.blocks) });
    return copyMessage(m);
  }

  /** Deletes a message; true when there was one. */
  remove(channel: string, ts: string): boolean {
    const list = this.byChannel.get(channel);
    const index = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (!list || index < 0) return false;
    const [gone] = list.splice(index, 1);
    if (gone?.thread_ts && gone.thread_ts !== gone.ts) {
      const parent = list.find((m) => m.ts === gone.thread_ts);
      if (parent) parent.reply_count = Math.max(0, parent.reply_count - 1);
    }
    return true;
  }

  /** A channel's messages in ts order, thread replies included (they carry `thread_ts`). */
  messages(channel: string): SlackMessage[] {
    return [...(this.byChannel.get(channel) ?? [])].sort((a, b) => compareTs(a.ts, b.ts)).map(copyMessage);
  }

  /** A thread: the parent first, then its replies in order. */
  thread(channel: string, parentTs: string): SlackMessage[] {
    return this.messages(channel).filter((m) => m.ts === parentTs || m.thread_ts === parentTs);
  }

  /** Every channel message in the workspace, in ts order. */
  all(): SlackMessage[] {
    return [...this.byChannel.keys()].flatMap((c) => this.messages(c)).sort((a, b) => compareTs(a.ts, b.ts));
  }

  /** Records an ephemeral and returns a copy. */
  postEphemeral(input: NewEphemeral): SlackEphemeral {
    const now = this.clock.now();
    const e: SlackEphemeral = {
      channel: input.channel,
      user: input.user,
      ts: this.ts.next(),
      text: input.text,
      blocks: structuredClone(input.blocks),
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      from: input.from,
      via: input.via,
      history: [{ at: now, via: input.via, text: input.text, blocks: structuredClone(input.blocks) }],
      postedAt: now,
    };
    this.ephemeralList.push(e);
    return structuredClone(e);
  }

  /** A copy of one ephemeral by its ts. */
  getEphemeral(ts: string): SlackEphemeral | undefined {
    const e = this.ephemeralList.find((x) => x.ts === ts);
    return e ? structuredClone(e) : undefined;
  }

  /** Replaces an ephemeral's content (response_url `replace_original`). */
  reviseEphemeral(ts: string, revision: Revision): SlackEphemeral | undefined {
    const e = this.ephemeralList.find((x) => x.ts === ts);
    if (!e) return undefined;
    e.text = revision.text;
    e.blocks = structuredClone(revision.blocks);
    e.history.push({
      at: this.clock.now(),
      via: revision.via,
      text: revision.text,
      blocks: structuredClone(revision.blocks),
    });
    return structuredClone(e);
  }

  /** Removes an ephemeral (response_url `delete_original`). */
  removeEphemeral(ts: string): boolean {
    const before = this.ephemeralList.length;
    this.ephemeralList = this.ephemeralList.filter((x) => x.ts !== ts);
    return this.ephemeralList.length < before;
  }

  /** Ephemerals, optionally only those in a channel and/or for a user, in ts order. */
  ephemerals(channel?: string, user?: string): SlackEphemeral[] {
    return this.ephemeralList
      .filter((e) => (channel === undefined || e.channel === channel) && (user === undefined || e.user === user))
      .sort((a, b) => compareTs(a.ts, b.ts))
      .map((e) => structuredClone(e));
  }

  private list(channel: string): SlackMessage[] {
    let list = this.byChannel.get(channel);
    if (!list) {
      list = [];
      this.byChannel.set(channel, list);
    }
    return list;
  }
}

/** Everything readable in a message: its text and every text inside its blocks, one per line. */
export function textOf(m: { text: string; blocks: readonly unknown[] }): string {
  const parts: string[] = [m.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (k === 'text' && typeof child === 'string') parts.push(child);
        else walk(child);
      }
    }
  };
  walk(m.blocks);
  return parts.filter((p) => p !== '').join('\n');
}
