/**
 * User groups: usergroups.list (id → handle, for naming approver groups without mentioning them)
 * and usergroups.users.list (the members, for deciding who may approve).
 */
import type { UserGroupSeed } from '../seed';
import type { JsonObject } from '../types';
import type { Workspace } from '../workspace';
import { fail, ok, type ApiMethod } from './method';

/** A user group as usergroups.list answers it; `users` only with include_users, `user_count` only with include_count. */
function userGroupJson(g: UserGroupSeed, ws: Workspace, opts: { users: boolean; count: boolean }): JsonObject {
  return {
    id: g.id,
    team_id: ws.team.id,
    is_usergroup: true,
    is_subteam: true,
    name: g.name,
    description: '',
    handle: g.handle,
    is_external: false,
    date_create: 0,
    date_update: 0,
    date_delete: 0,
    auto_type: null,
    created_by: ws.bot.userId,
    updated_by: ws.bot.userId,
    deleted_by: null,
    prefs: { channels: [], groups: [] },
    ...(opts.users ? { users: [...g.users] } : {}),
    ...(opts.count ? { user_count: g.users.length } : {}),
  };
}

/** usergroups.list: every user group of the team (the seed has no disabled ones). */
export const usergroupsList: ApiMethod = {
  tier: 2,
  handle(ctx, args) {
    const opts = { users: args.bool('include_users'), count: args.bool('include_count') };
    return ok({ usergroups: ctx.workspace.listUserGroups().map((g) => userGroupJson(g, ctx.workspace, opts)) });
  },
};

/** usergroups.users.list */
export const usergroupsUsersList: ApiMethod = {
  tier: 2,
  handle(ctx, args) {
    const id = args.string('usergroup');
    if (!id)
      return fail('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] missing required field: usergroup'] },
      });
    const group = ctx.workspace.userGroup(id);
    return group ? ok({ users: [...group.users] }) : fail('no_such_subteam');
  },
};
