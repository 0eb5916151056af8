/** The jobs' NoticePoster port over the ChannelPoster: each notice rendered by its view, then posted. */
import type { Notice, NoticePoster } from '../jobs/notices';
import type { Sentence } from '../sentence';
import type { ChannelPoster } from './poster';
import { complianceDiffView, digestView, scopeHealthView, windowResultView } from './views';
import type { SlackMessage } from './views/message';

/** The Slack message for a job's notice. */
export function renderNotice(n: Notice): SlackMessage {
  switch (n.notice) {
    case 'compliance-diff':
      return complianceDiffView(n.diff, n.now);
    case 'scope-health':
      return scopeHealthView(n.change, n.now, n.poll);
    case 'window-result':
      return windowResultView(n.result);
    case 'digest':
      return digestView(n.data, n.now);
  }
}

/** Renders and posts the jobs' notices through a ChannelPoster. */
export class SlackNoticePoster implements NoticePoster {
  constructor(private readonly poster: Pick<ChannelPoster, 'post'>) {}

  /** Posts the notice's message in `channel`. */
  post(channel: string, notice: Notice): Promise<Sentence | undefined> {
    return this.poster.post(channel, renderNotice(notice));
  }
}
