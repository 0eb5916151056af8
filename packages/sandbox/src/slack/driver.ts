/**
 * The driver plays Slack's side towards the bot: it sends slash commands, block_actions and
 * view_submissions to the bot's events URL, form-encoded and signed exactly as Slack does, and
 * turns the bot's acknowledgement into what a person would see. Options forge requests for tests
 * (wrong secret, shifted or fixed timestamp, replayed body or signature).
 */
import type { BlockAction, ButtonAction, SlashCommand, ViewSubmitAction } from '@slack/bolt';
import type { StandInContext } from './context';
import { applyViewAnswer, showCommandAck } from './driver-answers';
import {
  identity,
  isForged,
  matches,
  type BlockActionOptions,
  type DriverResult,
  type Matcher,
  type SendOptions,
  type SlashCommandOptions,
  type ViewSubmissionOptions,
} from './driver-options';
import { sendToBot } from './driver-send';
import { homeAction, openHome, type HomeActionOptions, type OpenHomeOptions } from './driver-home';
import type { ResponseUrlHost, OriginalRef } from './response-url';
import {
  isJsonObject,
  type Json,
  type JsonObject,
  type SlackBlock,
  type SlackEphemeral,
  type SlackMessage,
  type CallRecord,
  type ResponseRecord,
} from './types';
import { stateValues } from './view-state';
import { waitFor } from './wait';
import { messageJson } from './wire';
import { viewJson } from './web-api/views';

export type { HomeActionOptions, OpenHomeOptions } from './driver-home';
export type {
  BlockActionOptions,
  DriverResult,
  ForgeOptions,
  IdentityOptions,
  Matcher,
  SendOptions,
  SlashCommandOptions,
  ViewSubmissionOptions,
} from './driver-options';

/** A button (or other element) found in blocks, with the block it sits in. */
interface FoundElement {
  blockId: string;
  element: JsonObject;
}

/** Finds the element with `actionId` in blocks (actions blocks and section accessories). */
function findElement(blocks: readonly SlackBlock[], actionId: string, blockId?: string): FoundElement | undefined {
  for (const block of blocks) {
    const id = typeof block.block_id === 'string' ? block.block_id : '';
    if (blockId !== undefined && id !== blockId) continue;
    const candidates: Json[] = [];
    if (Array.isArray(block.elements)) candidates.push(...block.elements);
    if (isJsonObject(block.accessory)) candidates.push(block.accessory);
    for (const e of candidates) {
      if (isJsonObject(e) && e.action_id === actionId) return { blockId: id, element: e };
    }
  }
  return undefined;
}

/** Sends Slack's requests to the bot. */
export class SlackDriver {
  constructor(
    private readonly ctx: StandInContext,
    private readonly responseUrls: ResponseUrlHost,
  ) {}

  /** Sends `/patch <text>` (or another command) as `userId` in `channelId`. */
  async slashCommand(options: SlashCommandOptions): Promise<DriverResult> {
    const { ws, user, channel } = this.who(options.userId, options.channelId);
    const command = options.command ?? '/patch';
    const responseUrl = this.responseUrls.issue({ source: 'command', user: user.id, channel: channel.id });
    const triggerId = this.ctx.triggers.issue(user.id);
    const id = identity(ws, options);
    const fields = {
      token: ws.verificationToken,
      team_id: id.teamId,
      team_domain: ws.team.domain,
      ...(id.enterprise ? { enterprise_id: id.enterprise.id, enterprise_name: id.enterprise.name } : {}),
      channel_id: channel.id,
      channel_name: channel.name,
      user_id: user.id,
      user_name: user.name,
      command,
      text: options.text,
      api_app_id: id.appId,
      is_enterprise_install: String(id.isEnterpriseInstall),
      response_url: responseUrl,
      trigger_id: triggerId,
    } satisfies SlashCommand;
    const result = await this.send(new URLSearchParams(fields).toString(), options);
    const out: DriverResult = { ...result, responseUrl, triggerId };
    if (!isForged(options)) showCommandAck(this.ctx, out, command, user.id, channel.id);
    return out;
  }

  /** Clicks a button on a channel message or on one of the user's ephemerals. */
  async blockAction(options: BlockActionOptions): Promise<DriverResult> {
    const { ws, user, channel } = this.who(options.userId, options.channelId);
    const message = this.ctx.messages.get(channel.id, options.messageTs);
    const ephemeral = message ? undefined : this.ctx.messages.getEphemeral(options.messageTs);
    if (!message && (!ephemeral || ephemeral.user !== user.id || ephemeral.channel !== channel.id)) {
      throw new Error(`no message ${options.messageTs} in ${channel.id} that ${user.id} can see`);
    }
    const source = (message ?? ephemeral) as SlackMessage | SlackEphemeral;
    // A user may click a button that a later edit removed (their client still showed it): look in older versions too.
    const versions = [source.blocks, ...[...source.history].reverse().map((v) => v.blocks)];
    let found: FoundElement | undefined;
    for (const blocks of versions) {
      found = findElement(blocks, options.actionId, options.blockId);
      if (found) break;
    }
    const element = found?.element ?? {};
    const original: OriginalRef = message
      ? { kind: 'message', channel: channel.id, ts: message.ts }
      : { kind: 'ephemeral', ts: source.ts };
    const responseUrl = this.responseUrls.issue({
      source: 'block_actions',
      user: user.id,
      channel: channel.id,
      original,
    });
    const triggerId = this.ctx.triggers.issue(user.id);
    const buttonText = isJsonObject(element.text) ? element.text : { type: 'plain_text', text: options.actionId };
    const value = options.value ?? (typeof element.value === 'string' ? element.value : undefined);
    const action = {
      type: 'button' as const,
      action_id: options.actionId,
      block_id: options.blockId ?? found?.blockId ?? '',
      text: { type: 'plain_text' as const, text: String(buttonText.text ?? ''), emoji: true },
      ...(value !== undefined ? { value } : {}),
      ...(element.style === 'primary' || element.style === 'danger' ? { style: element.style } : {}),
      action_ts: this.ctx.messages.ts.next(),
    };
    const id = identity(ws, options);
    const payload: BlockAction<ButtonAction> = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: id.teamId },
      api_app_id: id.appId,
      token: ws.verificationToken,
      container: { type: 'message', message_ts: source.ts, channel_id: channel.id, is_ephemeral: !message },
      trigger_id: triggerId,
      team: { id: id.teamId, domain: ws.team.domain },
      ...(id.enterprise ? { enterprise: id.enterprise } : {}),
      is_enterprise_install: id.isEnterpriseInstall,
      channel: { id: channel.id, name: channel.name },
      ...(message ? { message: { ...messageJson(message, ws), type: 'message' as const, ts: message.ts } } : {}),
      state: { values: {} },
      response_url: responseUrl,
      actions: [action],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const result = await this.send(body, options);
    return { ...result, responseUrl, triggerId };
  }

  /** Submits an open modal with input values, and applies the bot's answer (close, errors, update). */
  async viewSubmission(options: ViewSubmissionOptions): Promise<DriverResult> {
    const ws = this.ctx.workspace;
    const user = ws.user(options.userId);
    if (!user) throw new Error(`no user ${options.userId}`);
    const modal = this.ctx.modals.get(options.viewId);
    if (!modal || modal.user !== user.id || modal.state !== 'open')
      throw new Error(`no modal ${options.viewId} open for ${user.id}`);
    const values = options.values ?? stateValues(modal, options.inputs ?? {});
    const triggerId = this.ctx.triggers.issue(user.id);
    const payload = {
      type: 'view_submission' as const,
      team: { id: ws.team.id, domain: ws.team.domain },
      ...(ws.enterprise ? { enterprise: ws.enterprise } : {}),
      user: { id: user.id, username: user.name, name: user.name, team_id: ws.team.id },
      api_app_id: ws.bot.appId,
      token: ws.verificationToken,
      trigger_id: triggerId,
      view: viewJson(modal, ws, values as JsonObject),
      response_urls: [],
      is_enterprise_install: ws.orgInstall,
    };
    const typed: ViewSubmitAction = payload as unknown as ViewSubmitAction;
    const body = `payload=${encodeURIComponent(JSON.stringify(typed))}`;
    const result = await this.send(body, options);
    if (!isForged(options) && result.status === 200) applyViewAnswer(this.ctx, modal, result);
    return { ...result, triggerId };
  }
  /** The user opens the app's Home tab: a signed `app_home_opened` event (Events API). */
  openHome(options: OpenHomeOptions): Promise<Omit<DriverResult, 'responseUrl' | 'triggerId'>> {
    return openHome(this.ctx, options);
  }

  /** Clicks a button in the user's published Home view (`block_actions` from a view container). */
  homeAction(options: HomeActionOptions): Promise<Omit<DriverResult, 'responseUrl'>> {
    return homeAction(this.ctx, options);
  }

  /** Sends any body to the bot's events URL, signed (or forged) like Slack's requests; in Socket Mode over the app's socket. */
  send(body: string, options: SendOptions = {}): Promise<Omit<DriverResult, 'responseUrl' | 'triggerId'>> {
    return sendToBot(this.ctx, body, options);
  }

  /** Waits until `probe` returns a value (not undefined, null or false). */
  waitFor<T>(
    probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
    timeoutMs = 5000,
    what = 'a condition',
  ): Promise<T> {
    return waitFor(probe, timeoutMs, what);
  }

  /** Waits for a channel message whose text (blocks included) matches. */
  waitForMessage(channelId: string, match?: Matcher<SlackMessage>, timeoutMs = 5000): Promise<SlackMessage> {
    return waitFor(
      () => this.ctx.messages.messages(channelId).find((m) => matches(m, match)),
      timeoutMs,
      `a message in ${channelId}`,
    );
  }

  /** Waits for an ephemeral to `userId` (in `channelId` when given) whose text matches. */
  waitForEphemeral(
    userId: string,
    match?: Matcher<SlackEphemeral>,
    timeoutMs = 5000,
    channelId?: string,
  ): Promise<SlackEphemeral> {
    return waitFor(
      () => this.ctx.messages.ephemerals(channelId, userId).find((e) => matches(e, match)),
      timeoutMs,
      `an ephemeral to ${userId}`,
    );
  }

  /** Waits until the message at `ts` has been edited and its current text matches. */
  waitForUpdate(channelId: string, ts: string, match?: Matcher<SlackMessage>, timeoutMs = 5000): Promise<SlackMessage> {
    return waitFor(
      () => {
        const m = this.ctx.messages.get(channelId, ts);
        return m && m.history.length > 1 && matches(m, match) ? m : undefined;
      },
      timeoutMs,
      `an update of ${ts} in ${channelId}`,
    );
  }

  /** Waits for a Web API call to `method` (matching `predicate` when given). */
  waitForCall(
    method: string,
    predicate: (c: CallRecord) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<CallRecord> {
    return waitFor(
      () => this.ctx.calls.find((c) => c.method === method && predicate(c)),
      timeoutMs,
      `a call to ${method}`,
    );
  }

  /** Waits for a POST to a response_url (matching `predicate` when given). */
  waitForResponse(predicate: (r: ResponseRecord) => boolean = () => true, timeoutMs = 5000): Promise<ResponseRecord> {
    return waitFor(() => this.ctx.responses.find(predicate), timeoutMs, 'a response_url POST');
  }

  private who(userId: string, channelId: string) {
    const ws = this.ctx.workspace;
    const user = ws.user(userId);
    if (!user) throw new Error(`no user ${userId} in the workspace`);
    const channel = ws.channel(channelId);
    if (!channel) throw new Error(`no channel ${channelId} in the workspace`);
    return { ws, user, channel };
  }
}
