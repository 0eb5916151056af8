/**
 * What the scheduled jobs post, as data, and the port they post it through. The Slack layer renders
 * each notice with its view (src/slack/notice-poster.ts), so jobs never build Slack messages.
 */
import type { ComplianceDiff, DigestData, ScopeHealthChange, WindowResult } from '../patching/poll';
import type { FileAttachment } from '../patching/attachment';
import type { Sentence } from '../sentence';

/** One channel post a job makes. */
export type Notice =
  | { notice: 'compliance-diff'; diff: ComplianceDiff; now: Date }
  | { notice: 'scope-health'; change: ScopeHealthChange; now: Date; poll: 'compliance' | 'windows' }
  | { notice: 'window-result'; result: WindowResult }
  /** The digest; `chart` (30 days of the channel's groups) is uploaded with it when there is history to draw. */
  | { notice: 'digest'; data: DigestData; now: Date; chart?: FileAttachment | undefined };

/** Posts notices to channels; resolves undefined when posted, else why not (with the fix). */
export interface NoticePoster {
  post(channel: string, notice: Notice): Promise<Sentence | undefined>;
}
