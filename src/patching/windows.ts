/**
 * Maintenance windows and the patch groups they serve. A window names a group through a target
 * (or a task's own target) `tag:<tagKey>` whose values hold the group's tag value, or through
 * `InstanceIds` targets whose instances carry the group's tag (looked up in EC2); windows that
 * target other tags (say `tag:PatchWindowTaskAM2`) are listed without a group.
 */
import type { InstanceTags, MaintenanceWindowDetail, WindowExecution } from './fleet-types';
import type { FleetPort } from './ports';
import { mapLimit } from '../shared/concurrency';
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import { fanOut, type PatchGateway } from './group-fleet';
import type { WindowEntry, WindowsReport } from './group-reports';

/** Windows read at once per scope (each costs four calls). */
const WINDOW_CONCURRENCY = 4;

/** Windows of `gateways` with their groups and last execution; with `group`, only those that name it. */
export async function listWindows(
  gateways: readonly PatchGateway[],
  groups: readonly Pick<PatchGroup, 'name' | 'tagKey' | 'tagValue' | 'scopes'>[],
  group: Pick<PatchGroup, 'name'> | undefined,
  logger?: Logger,
): Promise<WindowsReport> {
  const { results, failures } = await fanOut(
    gateways,
    async (gw) => {
      const windows = await gw.listMaintenanceWindows();
      return mapLimit(windows, WINDOW_CONCURRENCY, async (w): Promise<WindowEntry> => {
        const [detail, executions] = await Promise.all([
          gw.getMaintenanceWindow(w.windowId),
          gw.listWindowExecutions(w.windowId),
        ]);
        const inScope = groups.filter((g) => g.scopes.includes(gw.scope));
        return {
          scope: gw.scope,
          region: gw.region,
          // The list's entry carries NextExecutionTime, which GetMaintenanceWindow may not.
          window: { ...w, nextExecutionTime: w.nextExecutionTime ?? detail.nextExecutionTime },
          groups: await resolveWindowGroups(gw, detail, inScope, logger),
          targets: describeTargets(detail),
          lastExecution: latest(executions),
        };
      });
    },
    { ...(logger ? { logger } : {}), what: 'maintenance windows' },
  );
  const entries = results.flatMap((r) => r.value).filter((e) => !group || e.groups.includes(group.name));
  entries.sort(
    (a, b) =>
      (a.window.nextExecutionTime?.getTime() ?? Infinity) - (b.window.nextExecutionTime?.getTime() ?? Infinity) ||
      (a.window.name < b.window.name ? -1 : a.window.name > b.window.name ? 1 : 0),
  );
  return { entries, failures };
}

/** The configured groups a window's targets and tasks name, by `tag:<tagKey>` = tag value. */
export function windowGroups(
  window: Pick<MaintenanceWindowDetail, 'targets' | 'tasks'>,
  groups: readonly Pick<PatchGroup, 'name' | 'tagKey' | 'tagValue'>[],
): string[] {
  const targetMaps = [...window.targets.map((t) => t.targets), ...window.tasks.map((t) => t.targets)];
  const names = groups
    .filter((g) => targetMaps.some((m) => (m[`tag:${g.tagKey}`] ?? []).includes(g.tagValue)))
    .map((g) => g.name);
  return [...new Set(names)];
}

/** Instance ids a window targets directly (`InstanceIds` targets of the window or of its tasks). */
export function targetInstanceIds(window: Pick<MaintenanceWindowDetail, 'targets' | 'tasks'>): string[] {
  const targetMaps = [...window.targets.map((t) => t.targets), ...window.tasks.map((t) => t.targets)];
  return [...new Set(targetMaps.flatMap((m) => m.InstanceIds ?? []))];
}

/** The configured groups whose tag (`tagKey` = `tagValue`) any of the instances carries. */
export function groupsOfInstances(
  instances: readonly InstanceTags[],
  groups: readonly Pick<PatchGroup, 'name' | 'tagKey' | 'tagValue'>[],
): string[] {
  return groups.filter((g) => instances.some((i) => i.tags[g.tagKey] === g.tagValue)).map((g) => g.name);
}

/**
 * The groups a window patches: by its tag targets (windowGroups), and by the tags of the instances
 * it targets by id, asked of EC2. A failed lookup is logged and adds no group: the window still
 * shows, with the groups its tags name.
 */
export async function resolveWindowGroups(
  gw: Pick<FleetPort, 'describeInstanceTags' | 'scope' | 'region'>,
  window: Pick<MaintenanceWindowDetail, 'windowId' | 'targets' | 'tasks'>,
  groups: readonly Pick<PatchGroup, 'name' | 'tagKey' | 'tagValue'>[],
  logger?: Logger,
): Promise<string[]> {
  const byTag = windowGroups(window, groups);
  const ids = targetInstanceIds(window);
  if (ids.length === 0 || byTag.length === groups.length) return byTag;
  try {
    const byId = groupsOfInstances(await gw.describeInstanceTags(ids), groups);
    return groups.map((g) => g.name).filter((name) => byTag.includes(name) || byId.includes(name));
  } catch (err) {
    logger?.warn(
      { err, windowId: window.windowId, scope: gw.scope, region: gw.region },
      'could not read the tags of the instances a window targets; its groups are those its tag targets name',
    );
    return byTag;
  }
}

/** `tag:Patch Group=PRD`, `tag:PatchWindowTaskAM2=SCAN,INSTALL`: the window targets as a person reads them. */
export function describeTargets(window: Pick<MaintenanceWindowDetail, 'targets' | 'tasks'>): string[] {
  const lines = new Set<string>();
  for (const t of window.targets)
    for (const [key, values] of Object.entries(t.targets)) lines.add(`${key}=${values.join(',')}`);
  // A task's WindowTargetIds point at the targets above; its own tag targets add to them.
  for (const t of window.tasks) {
    for (const [key, values] of Object.entries(t.targets))
      if (key !== 'WindowTargetIds') lines.add(`${key}=${values.join(',')}`);
  }
  return [...lines];
}

/** The execution that started last. */
function latest(executions: readonly WindowExecution[]): WindowExecution | undefined {
  let best: WindowExecution | undefined;
  for (const e of executions) {
    if (!best || (e.startTime?.getTime() ?? 0) > (best.startTime?.getTime() ?? 0)) best = e;
  }
  return best;
}
