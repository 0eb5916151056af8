/** The jobs' NoticePoster port over the ChannelPoster: each notice rendered by its view, then posted. */
import type { DigestChart, Notice, NoticePoster } from '../jobs/notices';
import type { Logger } from '../logger';
import type { Sentence } from '../sentence';
import { adviceLine, slackAdvice } from './error-advice';
import type { ChannelPoster } from './poster';
import { complianceDiffView, digestView, scopeHealthView, windowResultView } from './views';
import { complianceChartFile } from './views/compliance-chart';
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

/** The digest chart's title and file, drawn from the history the notice carries. */
export function digestChartFile(chart: DigestChart) {
  const { period } = chart;
  return complianceChartFile(
    {
      title: `Compliance, ${period.fromDay} to ${period.toDay}`,
      groups: chart.groups,
      period,
      rows: chart.rows,
    },
    'digest',
  );
}

/** Renders and posts the jobs' notices through a ChannelPoster. */
export class SlackNoticePoster implements NoticePoster {
  private readonly log: Logger | undefined;

  constructor(
    private readonly poster: Pick<ChannelPoster, 'post'> & Partial<Pick<ChannelPoster, 'postFile'>>,
    logger?: Logger,
  ) {
    this.log = logger?.child({ subsystem: 'notices' });
  }

  /** Posts the notice's message in `channel`; a digest with history gets its chart uploaded right after it. */
  async post(channel: string, notice: Notice): Promise<Sentence | undefined> {
    const refused = await this.poster.post(channel, renderNotice(notice));
    if (refused || notice.notice !== 'digest' || !notice.chart || !this.poster.postFile) return refused;
    try {
      await this.poster.postFile(channel, await digestChartFile(notice.chart));
    } catch (err) {
      // The digest is in the channel: its chart failing must not fail it, or the digest would count as
      // not posted and be posted again. An upload whose answer was lost is not repeated (file-upload.ts).
      const advice = slackAdvice(err, { method: 'files.completeUploadExternal', channel });
      this.log?.error(
        { err, channel, slackError: advice?.code },
        `the digest is posted but its chart is not: ${advice ? adviceLine(advice) : 'see the error'}`,
      );
    }
    return undefined;
  }
}
