import { InputError } from '../src/errors';
import { channel as channelName, nameList, said } from '../src/sentence';
import { note } from './reply';
import { noExtraArgs, typed } from './args';
import type { CommandModule } from './command';

const usage = '/patch digest [#channel]';

/**
 * A channel as Slack sends it in command text: escaped (`<#C123|name>`, `<#C123|>`, `<#C123>`; the
 * manifest's should_escape: true) or as typed (`#name`, a bare name or id; should_escape: false).
 * Group 1 is an escaped id, group 2 a typed name or id.
 */
const CHANNEL_RE = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$|^#?([A-Za-z0-9][A-Za-z0-9._-]{0,79})$/;

/** The id of a channel typed as a name or id; a name Slack has no live channel for is answered with what to check. */
async function typedChannel(ctx: Parameters<CommandModule['run']>[0], word: string, ref: string): Promise<string> {
  const found = await ctx.services.findChannel(ref);
  if (found) return found.id;
  throw new InputError(`unknown channel ${typed(word)}`, {
    userMessage: `There is no channel ${typed(word)} that patchbot can see: check the spelling, or pick the channel with # in Slack (a private channel needs patchbot invited: /invite @patchbot). Usage: ${usage}`,
  });
}

/** `/patch digest [#channel]`: posts the daily digest of a channel's groups now (default: this channel). */
export const digestCommand: CommandModule = {
  name: 'digest',
  usage,
  summary: "post the daily digest of a channel's groups now",
  visibility: 'channel',
  operatorsOnly: true,
  async run(ctx, args) {
    const match = args[0] === undefined ? undefined : CHANNEL_RE.exec(args[0]);
    if (args[0] !== undefined && !match)
      throw new InputError(`bad channel ${typed(args[0])}`, {
        userMessage: `${typed(args[0])} is not a channel: pick one with # in Slack. Usage: ${usage}`,
      });
    // The channel is looked up before extra words are refused, so an unknown name is the word named.
    const channel = match ? (match[1] ?? (await typedChannel(ctx, args[0] ?? '', match[2] ?? ''))) : ctx.channelId;
    noExtraArgs(args, 1, usage);
    const known = ctx.config.groups.filter((g) => g.channel === channel).map((g) => g.name);
    if (known.length === 0) {
      const channels = nameList([...new Set(ctx.config.groups.map((g) => g.channel))].map(channelName));
      throw new InputError(`no groups post to ${channel}`, {
        userText: said`No group posts to that channel, so it has no digest. Channels with groups: ${channels}. Usage: ${usage}`,
      });
    }
    const refused = await ctx.services.postDigest(channel);
    return {
      kind: 'ephemeral',
      message: note(
        refused === undefined
          ? `Digest for ${known.join(', ')} posted.`
          : said`The digest could not be posted: ${refused}`,
      ),
    };
  },
};
