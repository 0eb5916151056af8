/**
 * Drift between approval and send. Right before an approved change goes out, patchbot reads again
 * what the plan rests on: each target is still in the group, still running and its agent Online,
 * and (for an install) the group's baseline is the one the plan was made with. Anything the
 * approver saw that is no longer true blocks the send; a target whose agent merely went offline is
 * left out of this send and reported (never sent later on its own); an instance nobody approved
 * (new in the group, or excluded and reachable now) is not included and is named in the result.
 */
import type { ManagedInstance } from './fleet-types';
import type { Clock } from '../clock';
import type { PatchGroup } from '../config/schema';
import type { Logger } from '../logger';
import { fanOut, gatewaysForGroup, groupTarget, type PatchGateway } from './group-fleet';
import type { ChangePlan } from './plan-record';
import type { DriftItem, DriftReport, InstanceLine } from './record-schemas';
import type { PlanBaseline } from './plan-parts';

/** What the re-check needs. */
export interface DriftDeps {
  gateways: readonly PatchGateway[];
  clock: Clock;
  logger: Logger;
}

const key = (l: Pick<InstanceLine, 'scope' | 'region' | 'instanceId'>) => `${l.scope}/${l.region}/${l.instanceId}`;
const label = (l: InstanceLine) => (l.name ? `${l.name} (${l.instanceId})` : l.instanceId);
const GONE = new Set(['terminated', 'shutting-down']);
const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** What one scope and region looks like now. */
interface ScopeNow {
  scope: string;
  region: string;
  instances: ManagedInstance[];
  baseline: PlanBaseline | undefined;
}

/** Reads the group again in every scope of the plan; a scope that cannot be read blocks the send (nothing unverified goes out). */
export async function checkDrift(deps: DriftDeps, group: PatchGroup, plan: ChangePlan): Promise<DriftReport> {
  const target = groupTarget(group);
  const withBaseline = plan.kind === 'install' && plan.baselines !== undefined;
  const read = await fanOut(
    gatewaysForGroup(group, deps.gateways),
    async (gw): Promise<ScopeNow> => {
      const [instances, baseline] = await Promise.all([
        gw.listManagedInstances(target),
        withBaseline ? gw.getBaseline(target) : Promise.resolve(undefined),
      ]);
      return {
        scope: gw.scope,
        region: gw.region,
        instances,
        baseline: baseline && {
          scope: gw.scope,
          region: gw.region,
          baselineId: baseline.baselineId,
          name: baseline.name,
          modifiedDate: baseline.modifiedDate,
        },
      };
    },
    { logger: deps.logger, what: `re-checking ${group.name} before the send` },
  );
  const blocking: DriftItem[] = read.failures.map((f) => ({
    what: `${f.scope} (${f.region}) could not be read again, so nothing could be verified there: ${f.message}`,
  }));
  const report = compareDrift(
    plan,
    read.results.map((r) => r.value),
    group,
  );
  return {
    checkedAt: deps.clock.now(),
    blocking: [...blocking, ...report.blocking],
    offline: report.offline,
    notIncluded: report.notIncluded,
  };
}

/** The pure comparison of a plan with the group as it is now (scopes that could not be read are left out). */
export function compareDrift(
  plan: ChangePlan,
  now: readonly ScopeNow[],
  group: Pick<PatchGroup, 'name' | 'tagKey' | 'tagValue'>,
): Omit<DriftReport, 'checkedAt'> {
  const current = new Map<string, { line: InstanceLine; instance: ManagedInstance }>();
  for (const sc of now) {
    for (const instance of sc.instances) {
      if (instance.ec2State && GONE.has(instance.ec2State)) continue;
      const line = { instanceId: instance.instanceId, name: instance.name, scope: sc.scope, region: sc.region };
      current.set(key(line), { line, instance });
    }
  }
  const read = new Set(now.map((sc) => `${sc.scope}/${sc.region}`));
  const blocking: DriftItem[] = [];
  const offline: InstanceLine[] = [];
  for (const t of plan.targets) {
    if (!read.has(`${t.scope}/${t.region}`)) continue;
    const found = current.get(key(t));
    if (!found) {
      blocking.push({
        what: `${label(t)} is no longer tagged ${group.tagKey}=${group.tagValue} (or was terminated)`,
        instance: t,
      });
      continue;
    }
    const state = found.instance.ec2State;
    if (state !== undefined && state !== 'running')
      blocking.push({
        what: `${label(found.line)} is ${state} now; it was running when the card was posted`,
        instance: found.line,
      });
    else if (found.instance.pingStatus !== 'Online') offline.push(found.line);
  }
  const targets = new Set(plan.targets.map(key));
  const excluded = new Map(plan.excluded.map((e) => [key(e), e]));
  const notIncluded: DriftReport['notIncluded'] = [];
  for (const { line, instance } of current.values()) {
    if (targets.has(key(line))) continue;
    const reachable =
      (instance.ec2State === undefined || instance.ec2State === 'running') && instance.pingStatus === 'Online';
    const was = excluded.get(key(line));
    if (!was) notIncluded.push({ ...line, reason: `joined ${group.name} after the card was posted` });
    else if (reachable) notIncluded.push({ ...line, reason: `was excluded (${was.reason}) and is reachable now` });
  }
  for (const before of plan.baselines ?? []) {
    const sc = now.find((n) => n.scope === before.scope && n.region === before.region);
    if (!sc?.baseline) continue;
    const after = sc.baseline;
    if (after.baselineId !== before.baselineId) {
      blocking.push({
        what: `${group.name} uses baseline ${after.name} (${after.baselineId}) in ${sc.scope} (${sc.region}) now, not ${before.name} (${before.baselineId}) as planned`,
      });
    } else if ((after.modifiedDate?.getTime() ?? 0) !== (before.modifiedDate?.getTime() ?? 0)) {
      blocking.push({
        what: `baseline ${after.name} (${after.baselineId}) in ${sc.scope} (${sc.region}) was modified at ${after.modifiedDate ? utc(after.modifiedDate) : 'an unknown time'}, after the plan was made`,
      });
    }
  }
  return { blocking, offline, notIncluded };
}
