/**
 * Where Homes learn that something changed: the operation publisher (an operation posted, moved to
 * another status, or ended) and the jobs' notice poster (a poll found a change). Each wraps the real
 * one and tells the refresher after it, which publishes opened Homes at most once a minute per user.
 */
import type { Notice, NoticePoster } from '../jobs/notices';
import type { OperationPublisher } from '../patching/publisher-port';
import type { HomeRefresher } from './home-refresh';

/** Operations whose status the hook has seen, so only a change of status refreshes Homes; bounded. */
const STATUSES_KEPT = 1_000;

/** The publisher, telling the refresher whenever an operation's status differs from the one it last published. */
export function refreshingPublisher(
  inner: OperationPublisher,
  refresher: Pick<HomeRefresher, 'changed'>,
): OperationPublisher {
  const seen = new Map<string, string>();
  return {
    async publish(op, report, phase, journal) {
      const posted = await inner.publish(op, report, phase, journal);
      if (seen.get(op.id) !== op.status || phase !== 'progress') {
        seen.delete(op.id);
        seen.set(op.id, op.status);
        if (seen.size > STATUSES_KEPT) seen.delete(seen.keys().next().value as string);
        refresher.changed();
      }
      return posted;
    },
    publishFailures: (op, detail, journal) => inner.publishFailures(op, detail, journal),
  };
}

/** The notice poster, telling the refresher after every poll notice (compliance changes, window results, scope health). */
export function refreshingPoster(inner: NoticePoster, refresher: Pick<HomeRefresher, 'changed'>): NoticePoster {
  return {
    async post(channel: string, notice: Notice) {
      const said = await inner.post(channel, notice);
      if (notice.notice !== 'digest') refresher.changed();
      return said;
    },
  };
}
