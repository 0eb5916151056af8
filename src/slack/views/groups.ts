/** `/patch groups`: each configured group with its tag, channel, approval policy, promotion source, change calendars and operators. */
import type { PatchGroup } from '../../config/schema';
import { bold, channelLink, code, escapeText, formatCount, plural } from '../mrkdwn';
import { listWithMore } from '../limits';
import { blocks, footer, header, message, section } from './blocks';
import type { SlackMessage } from './message';

/** The parts of a group this view shows (a PatchGroup has them all). */
export type GroupSummary = Pick<
  PatchGroup,
  'name' | 'tagKey' | 'tagValue' | 'channel' | 'operators' | 'approval' | 'promoteFrom'
> &
  Partial<Pick<PatchGroup, 'changeCalendars' | 'freeze'>>;

/** The change calendars that freeze the group's changes, and whether break-glass is possible; '' without calendars. */
function freezeText(g: GroupSummary): string {
  const calendars = g.changeCalendars ?? [];
  if (calendars.length === 0) return '';
  const override = (g.freeze?.overrideApprovers.length ?? 0) > 0 ? 'override by 2 override approvers' : 'no override';
  return `frozen while ${calendars.map((c) => bold(c)).join(', ')} ${calendars.length === 1 ? 'is' : 'are'} closed (${override})`;
}

/** How an install on the group gets approved, in a few words. */
function approvalText(g: GroupSummary): string {
  if (!g.approval.required) return 'no approval needed';
  const of = g.approval.approvers.length;
  return `approval by ${formatCount(g.approval.minApprovals)} of ${plural(of, 'approver')}${g.approval.allowSelfApproval ? ', self-approval allowed' : ''}${g.approval.requireReason ? ', with a written reason' : ''}`;
}

/** One line per group; `instances` (by group name) adds live counts when the caller has them. */
export function groupsView(
  groups: readonly GroupSummary[],
  instances?: Readonly<Record<string, number>>,
): SlackMessage {
  const lines = groups.map((g) => {
    const parts = [
      `tag ${code(`${g.tagKey}=${g.tagValue}`)}`,
      channelLink(g.channel),
      approvalText(g),
      g.promoteFrom ? `promotes from ${bold(g.promoteFrom)}` : '',
      freezeText(g),
      plural(g.operators.length, 'operator'),
      instances?.[g.name] !== undefined ? plural(instances[g.name] as number, 'instance') : '',
    ].filter(Boolean);
    return `• ${bold(g.name)} — ${parts.join(' · ')}`;
  });
  return message(
    escapeText(`${plural(groups.length, 'patch group')}: ${groups.map((g) => g.name).join(', ')}`),
    blocks(
      header('Patch groups'),
      lines.length > 0
        ? section(listWithMore(lines, { maxChars: 2_900, maxLines: 40 }).text)
        : section('_No patch groups are configured._'),
      footer(`${code('/patch status <group>')} for compliance · ${code('/patch baseline <group>')} for approval rules`),
    ),
  );
}
