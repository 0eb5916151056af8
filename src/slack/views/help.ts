/** `/patch help`: every subcommand with its usage line and what it does, and the groups to name. */
import { code, escapeText, oneLine } from '../mrkdwn';
import { blocks, footer, listSection, message, section } from './blocks';
import type { SlackMessage } from './message';
import type { CommandHelp, Visibility } from '../../../commands/reply';

export type { CommandHelp, Visibility } from '../../../commands/reply';

/** How help states each visibility. */
export const VISIBILITY_TEXT: Record<Visibility, string> = {
  private: 'only you see the answer',
  shareable: 'only you see the answer; add `public`, or click Share in channel, to post it in the channel',
  'group-channel': "posted in the group's channel",
  channel: 'posted in the channel it names, or this one',
};

/** The help reply; usage lines are code spans, so `<group>` shows as typed instead of being read as a link. */
export function helpView(commands: readonly CommandHelp[], groups: readonly string[]): SlackMessage {
  const lines = commands.map(
    (c) =>
      `• ${code(c.usage)} — ${escapeText(oneLine(c.summary))}${c.visibility ? ` _(${VISIBILITY_TEXT[c.visibility]})_` : ''}`,
  );
  const groupList = groups.length > 0 ? groups.map((g) => code(g)).join(', ') : '_none configured_';
  return message(
    `patchbot commands: ${escapeText(commands.map((c) => c.name).join(', '))}`,
    blocks(
      section(
        '*patchbot* brings Patch Manager to Slack. Reading is safe; `scan` runs a scan on AWS and changes nothing on the instances.',
      ),
      listSection('*Commands*', lines, { maxChars: 2_900, maxLines: 40 }),
      lines.length === 0 ? section('_No commands are registered._') : undefined,
      footer(`Groups: ${groupList}`),
    ),
  );
}
