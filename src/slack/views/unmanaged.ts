/**
 * Instances tagged for a group in EC2 that SSM does not manage (Security Hub SSM.1), as status and the
 * digest show them: the count first, then per account and region (scope name, account id when the
 * configuration names it, region) the instances by Name tag (the id only when there is no name), each
 * list capped with "…and N more", and what to do about it. Kept apart from status.ts and digest.ts so
 * those views only place it.
 */
import type { UnmanagedInstances, UnmanagedPlace } from '../../patching/unmanaged';
import type { InstanceLine } from '../../patching/record-schemas';
import { listWithMore } from '../limits';
import { bold, code, escapeText, formatCount, oneLine, plural, truncate } from '../mrkdwn';
import { SHORT, detailThread, listSection, moreInThread, section, type Part } from './blocks';
import type { SlackMessage } from './message';

/** Instance names shown per account and region in the message before "…and N more". */
export const NAMES_PER_PLACE = 5;
/** Names the digest shows per group. */
export const DIGEST_NAMES = 3;

/** What fixes it, in the operator's words. */
export const UNMANAGED_FIX =
  'Install and start the SSM agent on them and attach an instance profile whose role has the AmazonSSMManagedInstanceCore policy (or turn on Default Host Management Configuration); they register within minutes and join the next scan.';

/** An instance as people know it: its Name tag, else its id. */
function instanceName(i: InstanceLine): string {
  const name = i.name === undefined ? '' : oneLine(i.name);
  return name !== '' ? bold(truncate(name, 80)) : code(i.instanceId);
}

/** "*sandbox* (123456789012) · us-east-1": where they are. */
export function placeLabel(p: Pick<UnmanagedPlace, 'scope' | 'account' | 'region'>): string {
  return `${bold(p.scope)}${p.account ? ` (${escapeText(p.account)})` : ''} · ${escapeText(p.region)}`;
}

/** Names joined with commas, the first `max` of them, then "…and N more". */
function names(instances: readonly InstanceLine[], max: number): string {
  const shown = instances.slice(0, max).map(instanceName);
  const hidden = instances.length - shown.length;
  return hidden > 0 ? `${shown.join(', ')} …and ${formatCount(hidden)} more` : shown.join(', ');
}

/** One account and region: its count, then its names. */
function placeLine(p: UnmanagedPlace, max = NAMES_PER_PLACE): string {
  return `• ${placeLabel(p)} — ${formatCount(p.instances.length)}: ${names(p.instances, max)}`;
}

/** The status section: count and why it matters, per account and region, then the fix; nothing when none. */
export function unmanagedSection(group: string, u: UnmanagedInstances | undefined): Part {
  if (!u || u.total === 0) return undefined;
  const them = u.total === 1 ? 'it' : 'them';
  const title = `🛡 *${plural(u.total, 'instance')} not managed by SSM* (Security Hub SSM.1) — tagged for ${escapeText(group)} in EC2, but no SSM agent has registered ${them}, so patchbot cannot scan or patch ${them}:`;
  return [
    listSection(
      title,
      u.places.map((p) => placeLine(p)),
      SHORT,
      moreInThread,
    ),
    section(`_${escapeText(UNMANAGED_FIX)}_`),
  ];
}

/** Whether the status message leaves some unmanaged instances out (then the thread lists them all). */
function leavesOut(u: UnmanagedInstances): boolean {
  return (
    u.places.some((p) => p.instances.length > NAMES_PER_PLACE) ||
    listWithMore(
      u.places.map((p) => placeLine(p)),
      SHORT,
    ).hidden > 0
  );
}

/** The full list for the status thread, one instance a line with its place, when the message capped it. */
export function unmanagedThread(group: string, u: UnmanagedInstances | undefined): SlackMessage[] {
  if (!u || !leavesOut(u)) return [];
  const lines = u.places.flatMap((p) =>
    p.instances.map((i) => `• ${instanceName(i)}${i.name ? ` ${code(i.instanceId)}` : ''} · ${placeLabel(p)}`),
  );
  return detailThread(`${group} · instances not managed by SSM (SSM.1)`, lines, {
    maxMessages: 3,
    hint: 'Fleet Manager or the EC2 console (filter by the group tag) lists them all.',
  });
}

/** The digest's line for a group: "🛡 2 not managed by SSM (SSM.1): *sandbox* · us-east-1: *a*, *b*"; empty when none. */
export function unmanagedDigestText(u: UnmanagedInstances | undefined): string {
  if (!u || u.total === 0) return '';
  const shown = u.places.slice(0, 2).map((p) => `${placeLabel(p)}: ${names(p.instances, DIGEST_NAMES)}`);
  const more = u.places.length - shown.length;
  return `🛡 ${formatCount(u.total)} not managed by SSM (SSM.1) — ${shown.join('; ')}${more > 0 ? `; …and ${plural(more, 'more account or region', 'more accounts or regions')}` : ''}`;
}

/** The digest's compact part: "🛡 2 unmanaged"; empty when none. */
export function unmanagedDigestShort(u: UnmanagedInstances | undefined): string {
  return u && u.total > 0 ? `🛡 ${formatCount(u.total)} not managed by SSM` : '';
}
