/**
 * A maintenance window's failed instances explained: once an execution has ended, the first
 * DETAIL_MAX instances that failed or timed out in its Run Command tasks get their GetCommandInvocation
 * (exit code, the tail of the output, SSM's link to the full output) before the result is posted.
 * A read that fails is reported beside the instance, never a reason not to post the result.
 */
import type { PatchGroup } from '../../config/schema';
import { toPatchbotError } from '../../errors';
import type { Logger } from '../../logger';
import { mapLimit } from '../../shared/concurrency';
import { DETAIL_MAX, patchPlugin, readOutput } from '../failure-detail';
import type { PatchGateway } from '../group-fleet';
import { isReachableFailure } from '../report';
import type { InstanceOutcome } from '../report-record';
import type { WindowResult } from './poll-results';

/** GetCommandInvocation calls at once for one window execution. */
const READ_CONCURRENCY = 4;

/**
 * AWS-RunPatchBaseline's step on the window's instances, when every configured group it patches
 * runs one operating system; otherwise none is named (SSM then answers for a single-step document).
 */
function pluginFor(r: WindowResult, groups: readonly PatchGroup[]): string | undefined {
  const systems = new Set(groups.filter((g) => r.groups.includes(g.name)).map((g) => patchPlugin(g.operatingSystem)));
  return systems.size === 1 ? [...systems][0] : undefined;
}

/** The results with the first failed instances' output read (see the file comment). */
export async function withFailureOutput(
  gw: Pick<PatchGateway, 'scope' | 'region' | 'getCommandInvocation'>,
  results: WindowResult[],
  groups: readonly PatchGroup[],
  logger: Logger,
): Promise<WindowResult[]> {
  return mapLimit(results, 1, async (r) => {
    const plugin = pluginFor(r, groups);
    // Which failures to read: Run Command ones that ran (not undeliverable, not cancelled), the first few.
    const wanted = r.tasks
      .flatMap((t, ti) =>
        t.failed
          .map((f, fi) => ({ ti, fi, f }))
          .filter(
            ({ f }) =>
              f.commandId !== undefined &&
              isReachableFailure({ status: f.status as InstanceOutcome['status'], statusDetails: f.statusDetails }),
          ),
      )
      .slice(0, DETAIL_MAX);
    if (wanted.length === 0) return r;
    const read = await mapLimit(wanted, READ_CONCURRENCY, async ({ ti, fi, f }) => {
      try {
        const out = await readOutput(
          gw,
          { commandId: f.commandId as string, instanceId: f.instanceId, region: gw.region },
          plugin,
          undefined,
        );
        return { ti, fi, patch: { read: out } };
      } catch (err) {
        const e = toPatchbotError(err);
        logger.warn(
          { err: e, scope: gw.scope, region: gw.region, executionId: r.executionId, instanceId: f.instanceId },
          'could not read a failed window instance’s output; posting the result without it',
        );
        return { ti, fi, patch: { readError: e.userMessage } };
      }
    });
    const tasks = r.tasks.map((t, ti) => ({
      ...t,
      failed: t.failed.map((f, fi) => ({ ...f, ...(read.find((x) => x.ti === ti && x.fi === fi)?.patch ?? {}) })),
    }));
    return { ...r, tasks };
  });
}
