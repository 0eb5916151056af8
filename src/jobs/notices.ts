/**
 * What the scheduled jobs post, as data, and the port they post it through. The Slack layer renders
 * each notice with its view (src/slack/notice-poster.ts), so jobs never build Slack messages.
 */
import type { ComplianceDiff, DigestData, ScopeHealthChange, WindowResult } from '../patching/poll';
import type { ChartPeriod } from '../patching/chart-period';
import type { GroupDay } from '../patching/ports';
import type { Sentence } from '../sentence';

/** One channel post a job makes. */
export type Notice =
  | { notice: 'compliance-diff'; diff: ComplianceDiff; now: Date }
  | { notice: 'scope-health'; change: ScopeHealthChange; now: Date; poll: 'compliance' | 'windows' }
  | { notice: 'window-result'; result: WindowResult }
  /**
   * The digest; `chart` (the daily history of the channel's groups over the period) is drawn and
   * uploaded after it by the Slack layer when there is history to draw. Data, not a PNG: views are Slack's.
   */
  | { notice: 'digest'; data: DigestData; now: Date; chart?: DigestChart | undefined };

/** The history a digest's chart draws: the channel's groups over the period. */
export interface DigestChart {
  groups: readonly string[];
  period: ChartPeriod;
  rows: readonly GroupDay[];
}

/** Posts notices to channels; resolves undefined when posted, else why not (with the fix). */
export interface NoticePoster {
  post(channel: string, notice: Notice): Promise<Sentence | undefined>;
}
