/**
 * What a command answers, as data: which view to show and what it shows. The Slack layer renders
 * it (src/slack/views/reply.ts), so commands never build Slack blocks and never import src/slack.
 */
import type { PatchGroup } from '../src/config';
import type { BaselinesReport, GroupStatus, WindowsReport } from '../src/patching/group-reports';
import type { HistoryEntry } from '../src/patching/history';
import type { FileAttachment } from '../src/patching/attachment';
import type { ChartPeriod } from '../src/patching/chart-period';
import type { GroupDay } from '../src/patching/ports';
import type { InstanceReport } from '../src/patching/instance-detail';
import type { Sentence } from '../src/sentence';

/** User group handles by id, so replies name groups without notifying them. */
export type Handles = ReadonlyMap<string, string>;

/**
 * Who sees a command's answer: `private` (the requester alone), `shareable` (the requester, unless
 * they add `public` or click Share in channel), `group-channel` (posted in the group's channel),
 * `channel` (posted in the channel the command names or was typed in).
 */
export type Visibility = 'private' | 'shareable' | 'group-channel' | 'channel';

/** One line of help, as the command registry describes itself. */
export interface CommandHelp {
  name: string;
  usage: string;
  summary: string;
  visibility?: Visibility;
}

/** The read commands whose private answer can be shared. */
export const SHAREABLE_COMMANDS = ['status', 'baseline', 'windows'] as const;

/** What a Share button asks for: a command and, for those that take one, a group. */
export interface ShareRequest {
  command: (typeof SHAREABLE_COMMANDS)[number];
  group?: string | undefined;
}

/** The answer to show; one case per view the Slack layer renders. */
export type View =
  | { view: 'note'; text: Sentence | string; handles?: Handles }
  | { view: 'usage'; problem: Sentence | string; usage: string; valid?: readonly string[]; validLabel?: string }
  | { view: 'forbidden'; text: Sentence | string; allowed: readonly string[]; handles: Handles }
  | { view: 'error'; text: Sentence | string; requestId: string; handles: Handles }
  | { view: 'help'; commands: readonly CommandHelp[]; groups: readonly string[] }
  | { view: 'groups'; groups: readonly PatchGroup[] }
  | { view: 'status'; status: GroupStatus }
  | { view: 'baseline'; group: Pick<PatchGroup, 'name' | 'operatingSystem'>; report: BaselinesReport }
  | { view: 'windows'; report: WindowsReport; now: Date }
  | { view: 'history'; entries: readonly HistoryEntry[]; group: string | undefined; now: Date }
  | { view: 'instance'; report: InstanceReport; now: Date };

/** How a command's answer reaches Slack. */
export type Reply =
  /** Only the requester sees it (through response_url); `share` adds a Share in channel button for that request. */
  | { kind: 'ephemeral'; message: View; share?: ShareRequest }
  /** Posted in the channel, with the view's detail as thread replies. */
  | { kind: 'channel'; message: View }
  /** Someone else (the operation tracker) posts; the requester may get a short ephemeral note. */
  | { kind: 'none'; note?: View }
  /** A file uploaded where the command was typed (`here`) or to the requester's DM with the bot (`requester`). */
  | { kind: 'file'; file: FileAttachment; to: 'here' | 'requester'; comment?: Sentence | string }
  /** A compliance chart: the Slack layer draws it (commands draw no PNGs) and delivers it as a file. */
  | { kind: 'chart'; chart: ChartRequest; to: 'here' | 'requester'; comment?: Sentence | string };

/** What a compliance chart shows: groups (in legend order) over a period, from the daily history's rows. */
export interface ChartRequest {
  title: string;
  /** The start of the file name, e.g. `prd` → `prd-compliance-2026-12-02.png`. */
  slug: string;
  groups: readonly string[];
  period: ChartPeriod;
  rows: readonly GroupDay[];
}

/** A short private note. */
export function note(text: Sentence | string): View {
  return { view: 'note', text };
}
