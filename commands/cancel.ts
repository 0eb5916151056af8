import { InputError } from '../src/errors';
import { noteView } from '../src/slack/views/errors';
import { normalizeOperationId } from '../src/store';
import { noExtraArgs } from './args';
import type { CommandModule } from './types';

const usage = '/patch cancel <operation>';

/** `/patch cancel op-…`: withdraws a pending change or cancels a running one (its requester or an approver only). */
export const cancelCommand: CommandModule = {
  name: 'cancel',
  usage,
  summary: 'cancel a pending or running operation (its requester or an approver)',
  // Who may cancel depends on the operation, not the group: the domain checks requester or approver.
  operatorsOnly: false,
  async run(ctx, args) {
    noExtraArgs(args, 1, usage);
    const id = args[0] === undefined ? undefined : normalizeOperationId(args[0]);
    if (!id) throw new InputError('missing or bad operation id', { userMessage: `Which operation? Give its id, like op-7k2m9q (see /patch history). Usage: ${usage}` });
    const op = await ctx.services.cancel({ operationId: id, userId: ctx.userId });
    return { kind: 'ephemeral', message: noteView(`${op.id} (${op.kind} on ${op.group}) is cancelled.`) };
  },
};
