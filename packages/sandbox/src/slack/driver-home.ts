/**
 * The driver's App Home side: a user opening the app's Home tab (a signed `app_home_opened` event
 * in Slack's `event_callback` envelope, over HTTP or as a Socket Mode `events_api` envelope), and
 * a click on a button in their Home view (`block_actions` with a `view` container and the view,
 * and no response_url: Slack gives none for views).
 */
import { randomBytes } from 'node:crypto';
import type { StandInContext } from './context';
import { identity, type DriverResult, type IdentityOptions, type SendOptions } from './driver-options';
import { sendToBot } from './driver-send';
import { slackId } from './ids';
import { isJsonObject, type Json, type JsonObject } from './types';
import { homeViewJson } from './web-api/views';

/** Opening the Home tab (or the Messages tab, as Slack also reports). */
export interface OpenHomeOptions extends SendOptions {
  userId: string;
  tab?: 'home' | 'messages';
}

/** A click on a button in the user's Home view. */
export interface HomeActionOptions extends SendOptions, IdentityOptions {
  userId: string;
  actionId: string;
  /** Defaults to the block the button is in. */
  blockId?: string;
  /** Defaults to the button's own value; set it to forge a click on a button the Home does not show. */
  value?: string;
}

/** The user's direct message channel with the app (stable per user). */
export function appDmChannel(userId: string): string {
  return `D${userId.slice(1)}`;
}

/** Sends `app_home_opened` for the user as Slack's Events API does. */
export async function openHome(
  ctx: StandInContext,
  options: OpenHomeOptions,
): Promise<Omit<DriverResult, 'responseUrl' | 'triggerId'>> {
  const ws = ctx.workspace;
  const user = ws.user(options.userId);
  if (!user) throw new Error(`no user ${options.userId}`);
  const tab = options.tab ?? 'home';
  const home = ctx.homes.get(user.id);
  const nowMs = ctx.clock.now().getTime();
  const eventTs = `${Math.floor(nowMs / 1000)}.${String(nowMs % 1000).padStart(3, '0')}100`;
  const envelope = {
    token: ws.verificationToken,
    team_id: ws.team.id,
    ...(ws.enterprise ? { enterprise_id: ws.enterprise.id } : {}),
    api_app_id: ws.bot.appId,
    event: {
      type: 'app_home_opened',
      user: user.id,
      channel: appDmChannel(user.id),
      tab,
      event_ts: eventTs,
      // Slack includes the view once a Home has been published for the user.
      ...(tab === 'home' && home ? { view: homeViewJson(home, ws) } : {}),
    },
    type: 'event_callback',
    event_id: slackId('Ev', 10),
    event_time: Math.floor(nowMs / 1000),
    authorizations: [
      {
        enterprise_id: ws.enterprise?.id ?? null,
        team_id: ws.team.id,
        user_id: ws.bot.userId,
        is_bot: true,
        is_enterprise_install: ws.orgInstall,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
  };
  return sendToBot(ctx, JSON.stringify(envelope), options);
}

/** Finds a button by action id (and block id) in a Home view's blocks. */
function findButton(
  blocks: Json,
  actionId: string,
  blockId?: string,
): { blockId: string; element: JsonObject } | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks) {
    if (!isJsonObject(block)) continue;
    const id = typeof block.block_id === 'string' ? block.block_id : '';
    if (blockId !== undefined && id !== blockId) continue;
    const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
    for (const e of candidates) if (isJsonObject(e) && e.action_id === actionId) return { blockId: id, element: e };
  }
  return undefined;
}

/** Clicks a button in the user's Home view as Slack sends it: `block_actions` from a `view` container. */
export async function homeAction(
  ctx: StandInContext,
  options: HomeActionOptions,
): Promise<Omit<DriverResult, 'responseUrl' | 'triggerId'> & { triggerId: string }> {
  const ws = ctx.workspace;
  const user = ws.user(options.userId);
  if (!user) throw new Error(`no user ${options.userId}`);
  const home = ctx.homes.get(user.id);
  if (!home) throw new Error(`${user.id} has no Home view published`);
  const found = findButton(home.view.blocks ?? null, options.actionId, options.blockId);
  const value = options.value ?? (typeof found?.element.value === 'string' ? found.element.value : undefined);
  if (!found && options.value === undefined) throw new Error(`no button ${options.actionId} in ${user.id}'s Home`);
  const text = isJsonObject(found?.element.text) ? String(found.element.text.text ?? '') : options.actionId;
  const triggerId = ctx.triggers.issue(user.id);
  const id = identity(ws, options);
  const view = homeViewJson(home, ws);
  const payload = {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: id.teamId },
    api_app_id: id.appId,
    token: ws.verificationToken,
    container: { type: 'view', view_id: home.id },
    trigger_id: triggerId,
    team: { id: id.teamId, domain: ws.team.domain },
    ...(id.enterprise ? { enterprise: id.enterprise } : {}),
    is_enterprise_install: id.isEnterpriseInstall,
    view,
    actions: [
      {
        type: 'button',
        action_id: options.actionId,
        block_id: options.blockId ?? found?.blockId ?? '',
        text: { type: 'plain_text', text, emoji: true },
        ...(value !== undefined ? { value } : {}),
        ...(found?.element.style === 'primary' || found?.element.style === 'danger'
          ? { style: found.element.style }
          : {}),
        action_ts: ctx.messages.ts.next(),
      },
    ],
    state: { values: {} },
  };
  const result = await sendToBot(ctx, `payload=${encodeURIComponent(JSON.stringify(payload))}`, options);
  return { ...result, triggerId };
}
