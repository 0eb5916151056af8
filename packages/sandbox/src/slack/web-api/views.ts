/** views.open and views.update: modals, opened only with a fresh trigger_id; views.publish: a user's Home tab. */
import { issueMessages, validateHomeView, validateView } from '../blocks-validate';
import type { HomeRecord } from '../home-tabs';
import type { JsonObject, ModalRecord } from '../types';
import type { Workspace } from '../workspace';
import { fail, ok, type ApiMethod } from './method';

/** A modal as views.* answer it (and view_submission payloads carry it). */
export function viewJson(m: ModalRecord, ws: Workspace, stateValues: JsonObject = {}): JsonObject {
  const v = m.view;
  return {
    id: m.id,
    team_id: ws.team.id,
    type: 'modal',
    title: v.title ?? null,
    submit: v.submit ?? null,
    close: v.close ?? null,
    blocks: v.blocks ?? [],
    private_metadata: typeof v.private_metadata === 'string' ? v.private_metadata : '',
    callback_id: typeof v.callback_id === 'string' ? v.callback_id : '',
    external_id: typeof v.external_id === 'string' ? v.external_id : '',
    state: { values: stateValues },
    hash: m.hash,
    clear_on_close: v.clear_on_close === true,
    notify_on_close: v.notify_on_close === true,
    root_view_id: m.id,
    previous_view_id: null,
    app_id: ws.bot.appId,
    app_installed_team_id: ws.team.id,
    bot_id: ws.bot.botId,
  };
}

function invalidView(messages: string[]) {
  return fail('invalid_arguments', { response_metadata: { messages } });
}

/** views.open */
export const viewsOpen: ApiMethod = {
  tier: 4,
  handle(ctx, args) {
    const trigger = args.string('trigger_id');
    if (!trigger) return invalidView(['[ERROR] missing required field: trigger_id']);
    if (!args.has('view')) return invalidView(['[ERROR] missing required field: view']);
    const verdict = validateView(args.value('view'));
    if (!verdict.ok) return invalidView(issueMessages(verdict.issues));
    const externalId = verdict.view.external_id;
    if (typeof externalId === 'string' && externalId !== '' && ctx.modals.get(externalId))
      return fail('duplicate_external_id');
    const exchanged = ctx.triggers.exchange(trigger);
    if (!exchanged.ok) return fail(exchanged.error);
    const modal = ctx.modals.open(exchanged.user, trigger, verdict.view);
    return ok({ view: viewJson(modal, ctx.workspace) });
  },
};

/** views.update: by view_id or external_id; a stale `hash` answers hash_conflict. */
export const viewsUpdate: ApiMethod = {
  tier: 4,
  handle(ctx, args) {
    const id = args.string('view_id') ?? args.string('external_id');
    if (!id) return invalidView(['[ERROR] one of view_id or external_id is required']);
    const current = ctx.modals.get(id);
    if (!current) return fail('not_found');
    const hash = args.string('hash');
    if (hash && hash !== current.hash) return fail('hash_conflict');
    if (!args.has('view')) return invalidView(['[ERROR] missing required field: view']);
    const verdict = validateView(args.value('view'));
    if (!verdict.ok) return invalidView(issueMessages(verdict.issues));
    const updated = ctx.modals.update(id, verdict.view);
    if (!updated) return fail('not_found');
    return ok({ view: viewJson(updated, ctx.workspace) });
  },
};

/** A Home tab's view as views.publish answers it, and as app_home_opened and block_actions carry it. */
export function homeViewJson(h: HomeRecord, ws: Workspace): JsonObject {
  const v = h.view;
  return {
    id: h.id,
    team_id: ws.team.id,
    type: 'home',
    close: null,
    submit: null,
    blocks: v.blocks ?? [],
    private_metadata: typeof v.private_metadata === 'string' ? v.private_metadata : '',
    callback_id: typeof v.callback_id === 'string' ? v.callback_id : '',
    state: { values: {} },
    hash: h.hash,
    title: { type: 'plain_text', text: 'View Title', emoji: true },
    clear_on_close: false,
    notify_on_close: false,
    root_view_id: h.id,
    previous_view_id: null,
    app_id: ws.bot.appId,
    external_id: typeof v.external_id === 'string' ? v.external_id : '',
    app_installed_team_id: ws.team.id,
    bot_id: ws.bot.botId,
  };
}

/** views.publish: sets `user_id`'s Home tab; a stale `hash` answers hash_conflict. No scope needed beyond the bot token. */
export const viewsPublish: ApiMethod = {
  tier: 4,
  handle(ctx, args) {
    const userId = args.string('user_id');
    if (!userId) return invalidView(['[ERROR] missing required field: user_id']);
    if (!ctx.workspace.user(userId)) return fail('user_not_found');
    if (!args.has('view')) return invalidView(['[ERROR] missing required field: view']);
    const verdict = validateHomeView(args.value('view'));
    if (!verdict.ok) return invalidView(issueMessages(verdict.issues));
    const hash = args.string('hash');
    const current = ctx.homes.get(userId);
    if (hash && current && hash !== current.hash) return fail('hash_conflict');
    const home = ctx.homes.publish(userId, verdict.view);
    return ok({ view: homeViewJson(home, ctx.workspace) });
  },
};
