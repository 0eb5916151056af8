/**
 * Hosted response_urls: each slash command and interaction gets `<url>/response/<id>`. Like
 * Slack's, one takes at most 5 POSTs within 30 minutes (then 404 `used_url` / `expired_url`).
 * A POST carries `{text, blocks, response_type, replace_original, delete_original, thread_ts}`:
 * ephemeral by default (visible to the one user), `in_channel` posts to the channel as the bot,
 * `replace_original` / `delete_original` act on the message the interaction came from (for a
 * slash command: on the last ephemeral this response_url posted).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StandInContext } from './context';
import { checkContent } from './content';
import { mediaType, parseForm, readBody, sendJson } from './http';
import { opaqueKey } from './ids';
import type { ResponseOutcome, ResponseRecord } from './types';

/** The message an interaction came from. */
export type OriginalRef = { kind: 'message'; channel: string; ts: string } | { kind: 'ephemeral'; ts: string };

/** What a response_url is issued for. */
export interface IssueOptions {
  source: ResponseRecord['source'];
  user: string;
  channel: string;
  original?: OriginalRef;
}

interface Issued extends IssueOptions {
  id: string;
  issuedAt: number;
  uses: number;
  /** For slash commands: the ephemeral `replace_original` acts on. */
  lastEphemeralTs?: string;
}

type Body = Record<string, unknown>;

function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === '1';
}

/** Issues response_urls and answers POSTs to them. */
export class ResponseUrlHost {
  private readonly issued = new Map<string, Issued>();

  constructor(private readonly ctx: StandInContext) {}

  /** A new response_url for one command or interaction. */
  issue(options: IssueOptions): string {
    const id = opaqueKey();
    this.issued.set(id, { ...options, id, issuedAt: this.ctx.clock.now().getTime(), uses: 0 });
    return this.urlOf(id);
  }

  /** Forgets every issued response_url. */
  clear(): void {
    this.issued.clear();
  }

  /** Handles `POST /response/<id>`. */
  async handle(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ctx = this.ctx;
    const rawBody = await readBody(req).catch(() => '');
    const entry = this.issued.get(id);
    const body = this.parse(req, rawBody);
    const record: ResponseRecord = {
      id,
      url: this.urlOf(id),
      source: entry?.source ?? 'command',
      user: entry?.user ?? '',
      channel: entry?.channel ?? '',
      body: body ?? rawBody,
      at: ctx.clock.now(),
      status: 200,
      outcome: 'refused',
    };
    const finish = (status: number, outcome: ResponseOutcome, error?: string, ts?: string): void => {
      record.status = status;
      record.outcome = outcome;
      if (error) record.error = error;
      if (ts) record.ts = ts;
      ctx.recordResponse(record);
      sendJson(res, status, error ? { ok: false, error } : { ok: true });
    };
    if (!entry) return finish(404, 'refused', 'invalid_url');
    if (ctx.clock.now().getTime() - entry.issuedAt > ctx.knobs.responseUrlTtlMs)
      return finish(404, 'refused', 'expired_url');
    if (entry.uses >= ctx.knobs.responseUrlMaxUses) return finish(404, 'refused', 'used_url');
    entry.uses += 1;
    if (!body) return finish(400, 'refused', 'invalid_payload');

    const original = this.originalOf(entry);
    if (truthy(body.delete_original)) {
      if (!original) return finish(404, 'refused', 'message_not_found');
      const gone =
        original.kind === 'message'
          ? ctx.messages.remove(original.channel, original.ts)
          : ctx.messages.removeEphemeral(original.ts);
      return gone ? finish(200, 'deleted', undefined, original.ts) : finish(404, 'refused', 'message_not_found');
    }

    const content = checkContent(body.text, body.blocks, { blocksTextLimit: ctx.knobs.blocksTextLimit });
    if (!content.ok) return finish(400, 'refused', content.error);
    const bot = ctx.workspace.bot;

    if (truthy(body.replace_original) && original) {
      const revision = { text: content.text, blocks: content.blocks, via: 'response_url' as const, editor: bot.userId };
      const done =
        original.kind === 'message'
          ? ctx.messages.revise(original.channel, original.ts, revision)
          : ctx.messages.reviseEphemeral(original.ts, revision);
      return done ? finish(200, 'replaced', undefined, original.ts) : finish(404, 'refused', 'message_not_found');
    }

    const threadTs = typeof body.thread_ts === 'string' && body.thread_ts !== '' ? body.thread_ts : undefined;
    if (body.response_type === 'in_channel') {
      const parent = threadTs ? ctx.messages.get(entry.channel, threadTs) : undefined;
      const message = ctx.messages.post({
        channel: entry.channel,
        user: bot.userId,
        botId: bot.botId,
        appId: bot.appId,
        text: content.text,
        blocks: content.blocks,
        ...(parent ? { threadTs: parent.thread_ts ?? parent.ts } : {}),
        via: 'response_url',
      });
      return finish(200, 'in_channel', undefined, message.ts);
    }
    const e = ctx.messages.postEphemeral({
      channel: entry.channel,
      user: entry.user,
      from: bot.userId,
      text: content.text,
      blocks: content.blocks,
      ...(threadTs ? { threadTs } : {}),
      via: 'response_url',
    });
    entry.lastEphemeralTs = e.ts;
    return finish(200, 'ephemeral', undefined, e.ts);
  }

  private urlOf(id: string): string {
    return `${this.ctx.baseUrl}/response/${id}`;
  }

  private originalOf(entry: Issued): OriginalRef | undefined {
    if (entry.original) return entry.original;
    return entry.lastEphemeralTs ? { kind: 'ephemeral', ts: entry.lastEphemeralTs } : undefined;
  }

  /** JSON (what Bolt's respond() sends) or a form with `payload=<json>`; undefined when neither. */
  private parse(req: IncomingMessage, raw: string): Body | undefined {
    try {
      const type = mediaType(req);
      const json = type === 'application/x-www-form-urlencoded' ? parseForm(raw).payload : raw;
      if (json === undefined) return undefined;
      const parsed: unknown = JSON.parse(json);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Body) : undefined;
    } catch {
      return undefined;
    }
  }
}
