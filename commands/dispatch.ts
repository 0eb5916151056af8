import { findGroup } from '../src/config';
import { ForbiddenError, toPatchbotError } from '../src/errors';
import { namesIn } from '../src/sentence';
import { typed, words } from './args';
import { COMMANDS, findCommand } from './registry';
import { didYouMean } from './suggest';
import type { CommandContext, CommandModule, Reply } from './command';
import type { View } from './reply';

/**
 * Runs `/patch <text>`: finds the subcommand, checks the caller is an operator, runs it, and turns
 * every failure into an ephemeral reply that says what went wrong and what to do. This is the one
 * place command errors are handled; nothing escapes as silence or a stack trace.
 */
export async function dispatch(ctx: CommandContext, text: string, requestId: string): Promise<Reply> {
  const [verb, ...args] = words(text);
  const command = findCommand(verb ?? 'help');
  if (!command) return { kind: 'ephemeral', message: unknownSubcommand(ctx, verb ?? '') };
  try {
    await authorize(ctx, command, args);
    return await command.run(ctx, args);
  } catch (err) {
    const error = toPatchbotError(err);
    const log = { err: error, code: error.code, requestId, command: command.name, user: ctx.userId };
    if (error.code === 'INTERNAL' || error.code.startsWith('AWS_') || error.code === 'STORE_ERROR')
      ctx.logger.error(log, 'command failed');
    else ctx.logger.info(log, 'command refused');
    // Messages name people and channels by id; user groups among them are named by their handles.
    if (error instanceof ForbiddenError) {
      const allowed = operatorsFor(ctx, args);
      const handles = await ctx.names.handles([...allowed, ...namesIn(error.userText, ['principal'])]);
      return { kind: 'ephemeral', message: { view: 'forbidden', text: error.userText, allowed, handles } };
    }
    if (error.code === 'INPUT_INVALID' || error.code === 'NOT_FOUND') {
      return { kind: 'ephemeral', message: { view: 'usage', problem: error.userText, usage: command.usage } };
    }
    const handles = await ctx.names.handles(namesIn(error.userText, ['principal']));
    // A state the request cannot change ("nothing to cancel: it was cancelled by … at …") is an answer, not a failure.
    if (error.code === 'CONFLICT')
      return { kind: 'ephemeral', message: { view: 'note', text: error.userText, handles } };
    return { kind: 'ephemeral', message: { view: 'error', text: error.userText, requestId, handles } };
  }
}

/** "Unknown subcommand", with the likely one: a close spelling, or `status PRD` when a group came first. */
function unknownSubcommand(ctx: CommandContext, verb: string): View {
  const names = COMMANDS.map((c) => c.name);
  const group = findGroup(ctx.config, verb);
  const hint = group ? ` ${group.name} is a group: try /patch status ${group.name}.` : didYouMean(verb, names);
  return {
    view: 'usage',
    problem: `Unknown subcommand ${typed(verb)}.${hint}`,
    usage: '/patch <subcommand> [group]',
    valid: names,
    validLabel: 'Subcommands',
  };
}

/** The operators who may run a command on the group named in `args` (all groups' when none is named). */
function operatorsFor(ctx: CommandContext, args: string[]): string[] {
  const group = args[0] === undefined ? undefined : findGroup(ctx.config, args[0]);
  const groups = group ? [group] : ctx.config.groups;
  return [...new Set(groups.flatMap((g) => g.operators))];
}

async function authorize(ctx: CommandContext, command: CommandModule, words: string[]): Promise<void> {
  if (!command.operatorsOnly) return;
  // The group whose operators decide is the one the command changes (promote STG PRD changes PRD).
  const args = words.slice(command.groupArg ?? 0);
  const group = args[0] === undefined ? undefined : findGroup(ctx.config, args[0]);
  if (await ctx.authorizer.isAnyOf(ctx.userId, operatorsFor(ctx, args))) return;
  const where = group ? `on ${group.name}` : 'on any group';
  throw new ForbiddenError(`${ctx.userId} is not an operator ${where}`, {
    userMessage: `You are not an operator ${where}, so you cannot run /patch ${command.name}${group ? ` ${group.name}` : ''}. Ask one of them to run it, or to add you to operators in patchbot.yml.`,
  });
}
