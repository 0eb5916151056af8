/** What every view returns: one Slack message, ready for chat.postMessage, chat.update or response_url. */
import type { KnownBlock } from '@slack/types';

/** A message and, optionally, the detail to post as replies in its thread. */
export interface SlackMessage {
  /** Notification fallback (banners, screen readers, search); already escaped. */
  text: string;
  /** Within Slack's limits and our text budget (see limits.ts). */
  blocks: KnownBlock[];
  /** Detail that would crowd the message: posted as thread replies, each within the limits too. */
  thread?: SlackMessage[];
}
