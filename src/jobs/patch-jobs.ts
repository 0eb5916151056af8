import type { FleetPort } from '../patching/ports';
import type { Clock } from '../clock';
import { windowChannels, type PatchbotConfig } from '../config';
import type { Logger } from '../logger';
import { channel as channelName, said, type Sentence } from '../sentence';
import {
  ScopeHealth,
  buildDigest,
  isEmpty,
  markPosted,
  pollComplianceResult,
  pollWindows,
  pruneHistory,
  recordDigest,
  recordHistoryDay,
} from '../patching/poll';
import type { ScopeFailure } from '../patching/record-schemas';
import type { DigestChart, NoticePoster } from './notices';
import { chartPeriod } from '../patching/chart-period';
import type { Store } from '../patching/ports';
import type { RecentReads } from '../patching/recent-reads';
import type { Job } from './scheduler';

/** What the scheduled jobs need. */
export interface PatchJobsDeps {
  config: PatchbotConfig;
  store: Store;
  gateways: readonly FleetPort[];
  poster: NoticePoster;
  clock: Clock;
  logger: Logger;
  /** Group reads shared with `/patch status` for a minute (see RecentReads). */
  recent?: RecentReads;
}

/** The three scheduled jobs, plus the digest on demand for `/patch digest`. */
export interface PatchJobs {
  jobs: Job[];
  /** Posts the digest of `channel`'s groups there now; resolves undefined when posted, else why not (with the fix). */
  postDigest(channel: string): Promise<Sentence | undefined>;
}

/**
 * Compliance diffs to each group's channel, maintenance-window results to their channels, and the
 * daily digest per channel. Both polls post a note when a scope starts failing and once when it
 * answers again. Each job keeps going past a group or channel that fails.
 */
export function createPatchJobs(deps: PatchJobsDeps): PatchJobs {
  const { config, store, gateways, poster, clock } = deps;
  const log = deps.logger.child({ subsystem: 'jobs' });
  const pollDeps = {
    store,
    gateways,
    groups: config.groups,
    clock,
    logger: log,
    ...(deps.recent ? { recent: deps.recent } : {}),
  };

  // Failing scopes are posted when they start failing and once when they answer again, not every poll.
  const health = new ScopeHealth();
  const compliancePoll = async () => {
    for (const group of config.groups) {
      try {
        const { diff, failures, changed } = await pollComplianceResult(pollDeps, group);
        // Today's history day, from the snapshot as the poll left it (first poll included; no AWS call);
        // a poll that changed no row leaves a day already recorded today as it is.
        await recordHistoryDay(pollDeps, group.name, { unlessRecordedToday: !changed });
        const change = health.compare(group.name, failures);
        const news = diff !== undefined && !isEmpty(diff);
        if (news) await poster.post(group.channel, { notice: 'compliance-diff', diff, now: clock.now() });
        // A posted diff already lists every failing scope; a separate note is needed for scopes that
        // started failing without other news, and for scopes that answer again.
        if (ScopeHealth.changed(change) && (!news || change.recovered.length > 0))
          await poster.post(group.channel, { notice: 'scope-health', change, now: clock.now(), poll: 'compliance' });
        // Recorded once posted: if Slack failed (post threw), the change is posted on the next poll.
        health.record(group.name, failures);
      } catch (err) {
        log.error({ err, group: group.name }, 'compliance poll failed for a group; the others go on');
      }
    }
    // Each group's day was recorded by its poll; days past the retention go once per run.
    await pruneHistory(pollDeps, config.history.retentionDays);
  };

  // A failing scope's windows are unknown (their listing is what failed), so the note goes to the
  // channel of each group that spans the scope: its windows' results would land there by default.
  const windowHealthChannels = [...new Set(config.groups.map((g) => g.channel))];
  const postWindowHealth = async (failures: readonly ScopeFailure[]) => {
    for (const channel of windowHealthChannels) {
      try {
        const scopes = new Set(config.groups.filter((g) => g.channel === channel).flatMap((g) => g.scopes));
        const mine = failures.filter((f) => scopes.has(f.scope));
        const key = `windows:${channel}`;
        const change = health.compare(key, mine);
        if (ScopeHealth.changed(change))
          await poster.post(channel, { notice: 'scope-health', change, now: clock.now(), poll: 'windows' });
        // Recorded once posted, as for the compliance poll.
        health.record(key, mine);
      } catch (err) {
        log.error({ err, channel }, 'could not post a window-poll scope note to a channel; the others go on');
      }
    }
  };

  const windowPoll = async () => {
    const { results, failures } = await pollWindows(pollDeps);
    for (const f of failures) log.warn({ scope: f.scope, region: f.region }, f.message);
    await postWindowHealth(failures);
    for (const result of results) {
      const channels = windowChannels(config, {
        windowId: result.windowId,
        windowName: result.windowName,
        targetGroups: result.groups,
      });
      if (channels.length === 0) {
        log.warn(
          { window: result.windowName, executionId: result.executionId },
          `window ${result.windowName} names no patch group: map it to a channel under windows.channels in patchbot.yml to get its results`,
        );
      }
      await Promise.all(channels.map((c) => poster.post(c, { notice: 'window-result', result })));
      // Marked once every channel was tried: one that refuses is logged with its fix, not retried
      // forever; if Slack itself failed, post() threw and the result comes back next poll.
      await markPosted(store, result);
    }
  };

  // The digest's chart: the channel's groups over the last 30 days; none without history, or when it cannot be read (the digest still goes).
  const digestChart = async (groups: string[], now: Date): Promise<DigestChart | undefined> => {
    const period = chartPeriod(now);
    try {
      const rows = await store.complianceHistory.groupDays(groups, period.fromDay, period.toDay);
      return rows.length > 0 ? { groups, period, rows } : undefined;
    } catch (err) {
      log.error(
        { err, groups },
        'could not read the compliance history for the digest chart; the digest goes without it',
      );
      return undefined;
    }
  };

  const postDigest = async (channel: string) => {
    const groups = config.groups.filter((g) => g.channel === channel);
    if (groups.length === 0) return said`No group posts to ${channelName(channel)}, so it has no digest.`;
    const data = await buildDigest(pollDeps, channel, groups);
    const chart = await digestChart(
      groups.map((g) => g.name),
      clock.now(),
    );
    const refused = await poster.post(channel, { notice: 'digest', data, now: clock.now(), chart });
    if (!refused) await recordDigest(store, data);
    return refused;
  };

  const digest = async () => {
    for (const channel of new Set(config.groups.map((g) => g.channel))) {
      await postDigest(channel).catch((err: unknown) =>
        log.error({ err, channel }, 'digest failed for a channel; the others go on'),
      );
    }
  };

  return {
    jobs: [
      { name: 'compliance-poll', schedule: config.schedules.compliancePoll, run: compliancePoll },
      { name: 'window-poll', schedule: config.schedules.windowPoll, run: windowPoll },
      { name: 'digest', schedule: config.schedules.digest, run: digest },
    ],
    postDigest,
  };
}
