/**
 * The daily digest's data for one channel: per group, status counts (the same read as /patch status,
 * reused within the minute through RecentReads), the change since the channel's last digest (table `digests`), the most
 * missed patches (from the compliance snapshot, no per-instance calls), window runs posted since
 * (table `window_executions_seen`), pending approvals, stale or unreachable instances and the ones
 * SSM does not manage (unmanaged.ts).
 */
import { z } from 'zod';
import type { PatchGroup } from '../../config/schema';
import type { Store } from '../ports';
import { patchKey } from '../missing';
import { checkSla } from '../sla';
import { groupStatus } from '../status';
import type { PollDeps } from './compliance';
import type { DigestData, DigestGroup } from './poll-results';
import { severityRank } from '../severity';

/** How many past-SLA instances a group's digest keeps (the view names a few and counts the rest). */
export const SLA_LIMIT = 10;
/** How many most-missed patches a group lists. */
export const MOST_MISSED_LIMIT = 10;
/** Pending operations read per group (oldest first in the digest). */
export const PENDING_LIMIT = 100;
/** How far back window runs go for a channel's first digest. */
export const FIRST_DIGEST_LOOKBACK_MS = 24 * 3600_000;

/** The part of a stored digest the next one compares with. */
const StoredDigest = z
  .object({
    groups: z.array(
      z
        .object({
          group: z.string(),
          compliant: z.number(),
          nonCompliant: z.number().optional(),
          instances: z.number(),
        })
        .passthrough(),
    ),
  })
  .passthrough();

/** Builds the channel's digest for `groups` (normally the groups whose channel it is). Nothing is recorded. */
export async function buildDigest(deps: PollDeps, channel: string, groups: readonly PatchGroup[]): Promise<DigestData> {
  const { store, gateways, clock, logger } = deps;
  const now = clock.now();
  const last = await store.pollState.lastDigest(channel);
  const parsed = last ? StoredDigest.safeParse(last.data) : undefined;
  if (parsed && !parsed.success)
    logger.warn({ channel }, 'digest: the last digest has an unexpected shape; no change since is shown');
  const previous = new Map((parsed?.success ? parsed.data.groups : []).map((g) => [g.group, g]));
  const since = last?.sentAt;
  const runsSince = await store.pollState.executionsEndedAfter(
    since ?? new Date(now.getTime() - FIRST_DIGEST_LOOKBACK_MS),
  );

  const out: DigestData = { channel, generatedAt: now, since, groups: [], failures: [] };
  for (const group of groups) {
    const status = await (deps.recent
      ? deps.recent.status(group.name, () => groupStatus(group, gateways, clock, logger))
      : groupStatus(group, gateways, clock, logger));
    out.failures.push(...status.failures.map((f) => ({ ...f, group: group.name })));
    const { instances, compliant, nonCompliant } = status.counts;
    const before = previous.get(group.name);
    const entry: DigestGroup = {
      group: group.name,
      instances,
      compliant,
      nonCompliant,
      rate: instances === 0 ? 1 : compliant / instances,
      missingBySeverity: status.missingBySeverity,
      changeSinceLast:
        before === undefined
          ? undefined
          : {
              compliantDelta: compliant - before.compliant,
              nonCompliantDelta: nonCompliant - (before.nonCompliant ?? 0),
            },
      mostMissed: await mostMissed(store, group.name),
      windowRuns: runsSince
        .filter((r) => r.groups.includes(group.name))
        .map((r) => ({
          windowName: r.windowName ?? r.windowId,
          status: r.status ?? 'UNKNOWN',
          endTime: r.endTime ?? undefined,
        })),
      pendingApprovals: (
        await store.operations.listRecent({ group: group.name, statuses: ['pending'], limit: PENDING_LIMIT })
      )
        .reverse()
        .map((op) => ({
          operationId: op.id,
          kind: op.kind,
          requestedBy: op.requestedBy,
          expiresAt: op.expiresAt ?? undefined,
        })),
      staleScans: status.stale.length,
      unreachable: status.counts.unreachable,
      scopes: status.scopes,
      ...(status.unmanaged ? { unmanaged: status.unmanaged } : {}),
      sla: await digestSla(deps, group),
    };
    out.groups.push(entry);
  }
  return out;
}

/** How many of the group's instances are past the patch SLA, with the most overdue; undefined (logged) when the history cannot be read. */
async function digestSla(deps: PollDeps, group: PatchGroup): Promise<DigestGroup['sla']> {
  try {
    const report = await checkSla(deps.store.complianceHistory, group);
    return {
      instances: new Set(report.breaches.map((b) => `${b.scope}/${b.region}/${b.instanceId}`)).size,
      total: report.breaches.length,
      breaches: report.breaches.slice(0, SLA_LIMIT),
    };
  } catch (err) {
    deps.logger.warn({ err, group: group.name }, 'digest: could not read the compliance history for the SLA check');
    return undefined;
  }
}

/** Patches missing (or failed) on the most instances of the group, per the compliance snapshot. */
export async function mostMissed(
  store: Store,
  group: string,
  limit = MOST_MISSED_LIMIT,
): Promise<DigestGroup['mostMissed']> {
  const byPatch = new Map<string, { title: string; severity: string; instances: number }>();
  // Scope by scope: one scope's patch lists in memory at a time, never the whole group's.
  for (const { scope, region } of await store.snapshots.scopesOf(group)) {
    for (const row of await store.snapshots.forScope(group, scope, region)) {
      for (const p of row.missingPatches) {
        const k = patchKey(p);
        const found = byPatch.get(k);
        if (found) found.instances++;
        else byPatch.set(k, { title: p.title, severity: p.severity, instances: 1 });
      }
    }
  }
  return [...byPatch.values()]
    .sort(
      (a, b) =>
        b.instances - a.instances ||
        severityRank(a.severity) - severityRank(b.severity) ||
        (a.title < b.title ? -1 : 1),
    )
    .slice(0, limit);
}

/** Records that the digest was sent, so the next one shows the change since. */
export async function recordDigest(store: Store, data: DigestData, sentAt: Date = data.generatedAt): Promise<void> {
  await store.pollState.recordDigest(data.channel, data, sentAt);
}
