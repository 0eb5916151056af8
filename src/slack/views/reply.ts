/** Renders a command's reply (data from commands/) as Slack messages: the one place commands meet views. */
import type { Reply, View } from '../../../commands/reply';
import { baselineView } from './baseline';
import { errorView, forbiddenView, noteView, usageView } from './errors';
import { groupsView } from './groups';
import { helpView } from './help';
import { historyView } from './history';
import { instanceView } from './instance';
import { withShareButton } from './share';
import { statusView } from './status';
import type { SlackMessage } from './message';
import { windowsView } from './windows';

/** A reply with its views rendered, ready for response_url or chat.postMessage. */
export type RenderedReply =
  | { kind: 'ephemeral'; message: SlackMessage }
  | { kind: 'channel'; message: SlackMessage }
  | { kind: 'none'; note?: SlackMessage }
  /** A file or a chart: uploaded by deliver (a chart drawn first), nothing to render here. */
  | { kind: 'file'; reply: FileReply };

/** The replies that are files. */
export type FileReply = Extract<Reply, { kind: 'file' | 'chart' }>;

/** The Slack message for one view. */
export function renderView(v: View): SlackMessage {
  switch (v.view) {
    case 'note':
      return noteView(v.text, v.handles);
    case 'usage':
      return usageView(v.problem, v.usage, v.valid, v.validLabel);
    case 'forbidden':
      return forbiddenView(v.text, v.allowed, v.handles);
    case 'error':
      return errorView(v.text, v.requestId, v.handles);
    case 'help':
      return helpView(v.commands, v.groups);
    case 'groups':
      return groupsView(v.groups);
    case 'status':
      return statusView(v.status);
    case 'baseline':
      return baselineView(v.group, v.report.entries, v.report.failures);
    case 'windows':
      return windowsView(v.report.entries, v.report.failures, v.now);
    case 'history':
      return historyView(v.entries, v.group, v.now);
    case 'instance':
      return instanceView(v.report, v.now);
  }
}

/** The reply's messages; a private read answer gets its Share in channel button here. */
export function renderReply(reply: Reply): RenderedReply {
  if (reply.kind === 'none') return reply.note ? { kind: 'none', note: renderView(reply.note) } : { kind: 'none' };
  if (reply.kind === 'channel') return { kind: 'channel', message: renderView(reply.message) };
  if (reply.kind === 'file' || reply.kind === 'chart') return { kind: 'file', reply };
  const message = renderView(reply.message);
  return { kind: 'ephemeral', message: reply.share ? withShareButton(message, reply.share) : message };
}
