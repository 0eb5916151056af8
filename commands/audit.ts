import type { PatchGroup } from '../src/config';
import { InputError } from '../src/errors';
import { said } from '../src/sentence';
import { resolveGroup, typed } from './args';
import type { CommandContext, CommandModule, Reply } from './command';

const usage = '/patch audit [group] [since]';

/** The period when none is given. */
const DEFAULT_DAYS = 30;
/** The longest `Nd` taken: ten years. */
const MAX_DAYS = 3660;
const DAY_MS = 86_400_000;

/**
 * `/patch audit [group] [since]`: every request, approval, rejection, cancellation and outcome of
 * the group (of every group the requester operates or approves, when none is named) since `since`
 * (`7d`, `2026-11-01`; default 30 days), as a CSV file in the requester's direct messages.
 * Operators and approvers of a group may export it; the check is here, not in dispatch, because
 * approvers who operate nothing may ask too.
 */
export const auditCommand: CommandModule = {
  name: 'audit',
  usage,
  summary: 'the audit log (requests, approvals, rejections, cancellations, outcomes) as a CSV file in your DMs',
  visibility: 'private',
  operatorsOnly: false,
  async run(ctx, args) {
    const { group, since } = parseArgs(ctx, args);
    const mayExport = async (g: PatchGroup) => ctx.authorizer.isAnyOf(ctx.userId, auditors(g));
    const candidates = group ? [group] : ctx.config.groups;
    const groups: string[] = [];
    for (const g of candidates) if (await mayExport(g)) groups.push(g.name);
    if (groups.length === 0) return forbidden(ctx, candidates, group);
    const userName = ctx.names.userName?.bind(ctx.names);
    const result = await ctx.services.auditExport({ groups, since, userName });
    if (result.kind === 'too-large') {
      return {
        kind: 'ephemeral',
        message: {
          view: 'note',
          text: `The audit log of ${groups.join(', ')} since ${result.since.toISOString()} holds more than ${result.rows.toLocaleString('en')} entries or ${Math.round(result.bytes / 1048576)} MB, too many for one file. Ask for a shorter period (e.g. /patch audit ${groups[0]} 7d) or one group.`,
        },
      };
    }
    return {
      kind: 'file',
      file: result.file,
      to: 'requester',
      comment: `The audit log of ${groups.join(', ')} from ${result.since.toISOString()} to ${result.until.toISOString()}: ${result.rows} ${result.rows === 1 ? 'entry' : 'entries'}.`,
    };
  },
};

/** Who may export a group's audit log: its operators and its approvers. */
function auditors(group: PatchGroup): string[] {
  return [...new Set([...group.operators, ...group.approval.approvers])];
}

async function forbidden(
  ctx: CommandContext,
  candidates: readonly PatchGroup[],
  group: PatchGroup | undefined,
): Promise<Reply> {
  const allowed = [...new Set(candidates.flatMap(auditors))];
  const where = group ? `of ${group.name}` : 'of any group';
  return {
    kind: 'ephemeral',
    message: {
      view: 'forbidden',
      text: said`You are not an operator or approver ${where}, so you cannot export its audit log. Ask one of them, or to be added in patchbot.yml.`,
      allowed,
      handles: await ctx.names.handles(allowed),
    },
  };
}

/** `[group] [since]` in either order: a word that reads as a period is the period, any other names the group. */
function parseArgs(ctx: CommandContext, args: string[]): { group: PatchGroup | undefined; since: Date } {
  if (args.length > 2) throw new InputError('too many arguments', { userMessage: `Too many words. Usage: ${usage}` });
  const now = ctx.services.now();
  let group: PatchGroup | undefined;
  let since: Date | undefined;
  for (const word of args) {
    const period = parseSince(word, now);
    if (period !== undefined && since === undefined) since = period;
    else if (group === undefined) group = resolveGroup(ctx.config, word, usage);
    else
      throw new InputError(`unexpected ${typed(word)}`, { userMessage: `Unexpected ${typed(word)}. Usage: ${usage}` });
  }
  return { group, since: since ?? new Date(now.getTime() - DEFAULT_DAYS * DAY_MS) };
}

/** `7d` (days back from now) or `2026-11-01` (that day, 00:00 UTC); undefined when the word is neither. */
export function parseSince(word: string, now: Date): Date | undefined {
  const days = /^(\d{1,5})d$/i.exec(word);
  if (days) {
    const n = Number(days[1]);
    if (n < 1 || n > MAX_DAYS)
      throw new InputError(`period ${word} out of range`, {
        userMessage: `${typed(word)}: give 1d to ${MAX_DAYS}d, or a date like 2026-11-01. Usage: ${usage}`,
      });
    return new Date(now.getTime() - n * DAY_MS);
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(word);
  if (!date) return undefined;
  const at = new Date(`${word}T00:00:00.000Z`);
  if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== word)
    throw new InputError(`no such date ${word}`, { userMessage: `${typed(word)} is not a date. Usage: ${usage}` });
  if (at > now)
    throw new InputError(`date ${word} in the future`, {
      userMessage: `${typed(word)} is in the future: give the first day the export should cover. Usage: ${usage}`,
    });
  return at;
}
