/** A promoted install's pinned list on the card: the source install's evidence and each patch it installed there. */
import type { PinnedList } from '../../patching/promote-record';
import { pinnedListUrl } from '../../patching/pinned-write';
import { bold, code, escapeText, oneLine, plural, truncate } from '../mrkdwn';
import { GLANCE, listSection, moreInThread, type Part } from './blocks';

/** "2026-03-01 02:00 UTC": the source run's bounds, in one zone everyone reads alike. */
const utc = (d: Date | undefined) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'unknown');

/** The evidence line: which install, when it ran, on how many instances, and where the list goes. */
export function pinnedEvidence(pinned: PinnedList, operationId: string | undefined): string {
  const from = bold(escapeText(pinned.fromGroup));
  const where = operationId
    ? code(pinnedListUrl({ id: operationId }, pinned))
    : code(`s3://${pinned.overrideList.bucket}/${pinned.overrideList.prefix}`);
  return `*Promoted from ${from}*: exactly what its last successful install ${code(pinned.operationId)} installed there (ran ${utc(pinned.ranFrom)} to ${utc(pinned.ranTo)} on ${plural(pinned.instances, 'instance')}) and this group misses. The run is pinned to this list with AWS-RunPatchBaseline's InstallOverrideList at ${where}; nothing else is installed.`;
}

/** The card's section: the evidence, then each pinned patch with how many source instances it went on. */
export function pinnedSection(pinned: PinnedList, operationId: string | undefined): Part {
  const lines = pinned.patches.map(
    (p) =>
      `• ${code(p.kbId)} ${escapeText(truncate(oneLine(p.title), 120))} — installed on ${p.installedOn} of ${plural(pinned.instances, `${escapeText(pinned.fromGroup)} instance`)}`,
  );
  return listSection(
    `${pinnedEvidence(pinned, operationId)}\n*Pinned patches (${lines.length})*`,
    lines,
    GLANCE,
    moreInThread,
  );
}
