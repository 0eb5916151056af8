/**
 * The App Home tab: a pure function from one viewer's Home data (src/patching/home.ts) to a `home`
 * view. Lists are capped so the view stays within Slack's 100 blocks for any number of groups and
 * changes; everything from AWS or users is escaped, people and channels are named, not listed by id.
 */
import type { KnownBlock } from '@slack/types';
import { Blocks, Elements } from 'slack-block-builder';
import type { GroupTile, HomeData, HomePending } from '../../patching/home';
import { complianceOf } from '../../patching/home';
import type { Operation } from '../../store';
import { bold, channelLink, code, escapeText, formatAge, formatCount, mention, plural } from '../mrkdwn';
import { ACTIONS } from './actions';
import { scopeSpread } from './scope-summary';
import { type Part, blocks, divider, footer, header, section } from './blocks';

/** Slack's limit on a Home view's blocks. */
export const HOME_MAX_BLOCKS = 100;
/** Pending changes with buttons shown (2 blocks each); the rest are counted. */
export const HOME_MAX_DECIDE = 12;
/** Other pending lines (own requests, already voted) and running operations shown, one section each list. */
const HOME_MAX_LINES = 15;
/** Group tiles shown (1 block each), worst first. */
export const HOME_MAX_TILES = 30;

/** A Home view as views.publish takes it. */
export interface HomeView {
  type: 'home';
  blocks: KnownBlock[];
}

/** The viewer's Home; `notice` (mrkdwn, already rendered) is the answer to their last click, shown on top. */
export function homeView(d: HomeData, notice?: string): HomeView {
  const top = notice ? section(`💬 ${notice}`) : undefined;
  if (d.visibleGroups.length === 0) return { type: 'home', blocks: blocks(header('patchbot'), top, nothingToSee(d)) };
  const list = blocks(
    header('patchbot'),
    top,
    footer(`Updated ${escapeText(d.at.toISOString().slice(0, 16).replace('T', ' '))} UTC`),
    pendingParts(d),
    divider(),
    runningPart(d.running, d.at),
    divider(),
    tileParts(d.tiles, d.at),
    estatePart(d),
  );
  return { type: 'home', blocks: list.slice(0, HOME_MAX_BLOCKS) };
}

/** The friendly explanation for a viewer who operates and approves nothing. */
function nothingToSee(d: HomeData): Part {
  return section(
    `Hi ${mention(d.viewer)}. You do not operate or approve any patch group, so there is nothing to show here.\n` +
      'Ask a patchbot admin to add you to a group’s operators or approvers in patchbot.yml. `/patch help` lists what you can ask.',
  );
}

function opLine(op: Operation): string {
  return `${bold(escapeText(op.kind))} on ${bold(escapeText(op.group))} · ${code(op.id)} · requested by ${mention(op.requestedBy)} · card in ${channelLink(op.channel)}`;
}

function votesText(p: HomePending): string {
  return `${formatCount(p.approvals)} of ${formatCount(p.minApprovals)} approvals`;
}

/** Changes waiting for the viewer (with Approve/Reject), then their own and already-approved ones (without). */
function pendingParts(d: HomeData): Part {
  const decide = d.pending.filter((p) => p.role === 'decide');
  const others = d.pending.filter((p) => p.role !== 'decide');
  const shown = decide.slice(0, HOME_MAX_DECIDE);
  const parts: Part[] = [
    section(
      decide.length === 0
        ? '*Waiting for your approval*\nNothing waits for you.'
        : `*Waiting for your approval* (${formatCount(decide.length)})`,
    ),
  ];
  for (const p of shown) {
    const expires = p.op.expiresAt ? ` · expires ${formatAge(d.at.getTime() - p.op.expiresAt.getTime())}` : '';
    parts.push(section(`${opLine(p.op)}\n${votesText(p)}${expires}`));
    parts.push(
      Blocks.Actions({ blockId: `home.decide.${p.op.id}` }).elements(
        Elements.Button({ text: 'Approve', actionId: ACTIONS.approve, value: p.op.id }).primary(),
        Elements.Button({ text: 'Reject', actionId: ACTIONS.reject, value: p.op.id }).danger(),
      ),
    );
  }
  if (decide.length > shown.length)
    parts.push(
      footer(`…and ${formatCount(decide.length - shown.length)} more waiting for you: see the group channels' cards.`),
    );
  if (others.length > 0) {
    const lines = others
      .slice(0, HOME_MAX_LINES)
      .map(
        (p) =>
          `• ${opLine(p.op)} · ${votesText(p)} · ${p.role === 'own' ? 'your request, waiting for someone else' : 'you approved; waiting for more'}`,
      );
    const more = others.length > lines.length ? `\n…and ${formatCount(others.length - lines.length)} more` : '';
    parts.push(section(`*Waiting for someone else*\n${lines.join('\n')}${more}`));
  }
  return parts;
}

/** Operations under way in the viewer's groups. */
function runningPart(running: readonly Operation[], at: Date): Part {
  if (running.length === 0) return section('*Running now*\nNothing is running in your groups.');
  const lines = running
    .slice(0, HOME_MAX_LINES)
    .map(
      (op) => `• ${opLine(op)} · ${escapeText(op.status)} since ${formatAge(at.getTime() - op.updatedAt.getTime())}`,
    );
  const more = running.length > lines.length ? `\n…and ${formatCount(running.length - lines.length)} more` : '';
  return section(`*Running now* (${formatCount(running.length)})\n${lines.join('\n')}${more}`);
}

/** "87%" (floored, so 99.9% never reads as 100%). */
function percent(t: { instances: number; compliant: number }): string {
  return `${Math.floor(complianceOf(t) * 100)}%`;
}

/** One tile per group, worst first, capped; the rest counted with where to look. */
function tileParts(tiles: readonly GroupTile[], at: Date): Part {
  const shown = tiles.slice(0, HOME_MAX_TILES);
  const parts: Part[] = [section(`*Your groups* (${formatCount(tiles.length)}, worst first)`)];
  for (const t of shown) parts.push(section(tileText(t, at)));
  if (tiles.length > shown.length)
    parts.push(
      footer(`…and ${formatCount(tiles.length - shown.length)} more groups: /patch status ${escapeText('<group>')}`),
    );
  return parts;
}

function tileText(t: GroupTile, at: Date): string {
  if (t.instances === 0)
    return `⚪ ${bold(escapeText(t.group))} · no compliance data yet: the compliance poll or a scan (/patch scan ${escapeText(t.group)}) fills it`;
  const scan = t.lastScanAt ? `last scan ${formatAge(at.getTime() - t.lastScanAt.getTime())}` : 'never scanned';
  const win = t.lastWindow
    ? `last window ${escapeText(t.lastWindow.name)}: ${escapeText(t.lastWindow.status)} ${formatAge(at.getTime() - t.lastWindow.endedAt.getTime())}`
    : 'no window result';
  const icon = t.compliant === t.instances ? '🟢' : t.critical > 0 ? '🔴' : '🟡';
  return [
    `${icon} ${bold(escapeText(t.group))} · ${percent(t)} compliant (${formatCount(t.compliant)} of ${plural(t.instances, 'instance')})`,
    `Missing: Critical ${formatCount(t.critical)} · Security ${formatCount(t.security)} · Other ${formatCount(t.other)} · pending reboot ${formatCount(t.pendingReboot)} · unreachable ${formatCount(t.unreachable)}`,
    `${scan} · ${win}`,
  ].join('\n');
}

/** The estate across accounts and regions. */
function estatePart(d: HomeData): Part {
  const e = d.estate;
  if (!e) return undefined;
  const places = e.places
    .slice(0, 20)
    .map((p) => `${escapeText(p.scope)} · ${escapeText(p.region)}: ${formatCount(p.instances)} (${percent(p)})`);
  const spread = escapeText(scopeSpread(e.places));
  const more = e.places.length > places.length ? ` · …and ${formatCount(e.places.length - places.length)} more` : '';
  return [
    divider(),
    section(
      `*Estate*: ${plural(e.instances, 'instance')}${spread ? ` ${spread}` : ''}, ${percent(e)} compliant\n${places.join(' · ')}${more}`,
    ),
  ];
}
