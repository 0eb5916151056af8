import { InputError, NotFoundError } from '../src/errors';
import { note } from './reply';
import { noExtraArgs, typed } from './args';
import type { CommandContext, CommandModule } from './command';

const usage = '/patch cancel <operation>';

/** What an operation id looks like, for replies. */
const ID_FORM = 'op- and six letters or digits, like op-7k2m9q';

/** Operations that can still be cancelled, newest first. */
const CANCELLABLE = new Set(['pending', 'approved', 'running']);
const CANCELLABLE_SHOWN = 5;

/** "Cancellable now: op-… (install on PRD, pending), …", or where to look when there is none. */
async function cancellableNow(ctx: CommandContext): Promise<string> {
  const open = (await ctx.services.history({ limit: 50 })).filter((e) => CANCELLABLE.has(e.status));
  if (open.length === 0) return 'Nothing is waiting or running now; /patch history lists past operations.';
  const shown = open.slice(0, CANCELLABLE_SHOWN).map((e) => `${e.operationId} (${e.kind} on ${e.group}, ${e.status})`);
  const more = open.length > shown.length ? ` and ${open.length - shown.length} more (see /patch history)` : '';
  return `Cancellable now: ${shown.join(', ')}${more}.`;
}

/** `/patch cancel op-…`: withdraws a pending change or cancels a running one (its requester or an approver only). */
export const cancelCommand: CommandModule = {
  name: 'cancel',
  usage,
  summary: 'cancel a pending or running operation (its requester or an approver)',
  visibility: 'private',
  // Who may cancel depends on the operation, not the group: the domain checks requester or approver.
  operatorsOnly: false,
  async run(ctx, args) {
    const word = args[0];
    if (word === undefined) {
      throw new InputError('missing operation id', {
        userMessage: `Which operation? Give its id: ${ID_FORM}. ${await cancellableNow(ctx)}`,
      });
    }
    const id = ctx.services.operationId(word);
    if (!id)
      throw new InputError(`not an operation id: ${typed(word)}`, {
        userMessage: `${typed(word)} is not an operation id: ids are ${ID_FORM}. ${await cancellableNow(ctx)}`,
      });
    noExtraArgs(args, 1, usage);
    try {
      const op = await ctx.services.cancel({ operationId: id, userId: ctx.userId });
      return { kind: 'ephemeral', message: note(`${op.id} (${op.kind} on ${op.group}) is cancelled.`) };
    } catch (err) {
      // The domain names the id as it read it (o as 0, l as 1); the user is told what they typed.
      if (err instanceof NotFoundError) {
        throw new NotFoundError(err.message, {
          userMessage: `There is no operation ${typed(word)}. ${await cancellableNow(ctx)}`,
          cause: err,
        });
      }
      throw err;
    }
  },
};
