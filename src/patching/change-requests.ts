/** What an install or reboot request takes from its plan: the refusals when it has no target, and a reboot's params. */
import type { PatchGroup } from '../config/schema';
import { PatchbotError } from '../errors';
import type { RebootParams } from './records';
import type { ChangePlan } from './plan-record';

/**
 * No target, and some scopes could not be read: "nothing to do" would be a guess, because the
 * targets may be in the scopes that failed. Refuses with each failing scope and its error's advice.
 */
export function unreadScopes(kind: 'install' | 'reboot', plan: ChangePlan): void {
  if (plan.failures.length === 0) return;
  const scopes = plan.failures.map((f) => `${f.scope} (${f.region}): ${f.message}`).join(' ');
  const n = plan.failures.length;
  throw new PatchbotError('AWS_ERROR', `${kind} ${plan.group}: no target found, ${n} scope(s) unreadable`, {
    userMessage: `Could not plan the ${kind} of ${plan.group}: ${n === 1 ? '1 scope' : `${n} scopes`} could not be read, so its targets are unknown. Nothing was changed. ${scopes}`,
  });
}

/** The plan's excluded instances with their reasons, as a sentence to append to a refusal ('' when none). */
export function excludedNote(plan: ChangePlan): string {
  if (plan.excluded.length === 0) return '';
  return ` Excluded: ${plan.excluded.map((e) => `${e.name ?? e.instanceId} (${e.reason})`).join(', ')}.`;
}

/** A reboot's op.params: the plan's targets per scope and region, rate and timeout from the group's install settings. */
export function rebootParams(group: PatchGroup, plan: ChangePlan): RebootParams {
  const targets = new Map<string, RebootParams['targets'][number]>();
  for (const t of plan.targets) {
    const key = `${t.scope}/${t.region}`;
    const entry = targets.get(key) ?? { scope: t.scope, region: t.region, instanceIds: [] };
    entry.instanceIds.push(t.instanceId);
    targets.set(key, entry);
  }
  return {
    operation: 'Reboot',
    targets: [...targets.values()],
    maxConcurrency: group.install.maxConcurrency,
    maxErrors: group.install.maxErrors,
    timeoutSeconds: group.install.timeoutSeconds,
  };
}
