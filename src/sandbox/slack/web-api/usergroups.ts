/** usergroups.users.list: the members of a user group (approver groups resolve through this). */
import { fail, ok, type ApiMethod } from './method';

/** usergroups.users.list */
export const usergroupsUsersList: ApiMethod = {
  tier: 2,
  handle(ctx, args) {
    const id = args.string('usergroup');
    if (!id) return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: usergroup'] } });
    const group = ctx.workspace.userGroup(id);
    return group ? ok({ users: [...group.users] }) : fail('no_such_subteam');
  },
};
