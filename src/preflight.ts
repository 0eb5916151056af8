import type { Fleet } from './aws';
import type { PatchbotConfig } from './config';
import { PatchbotError, toPatchbotError } from './errors';
import type { Logger } from './logger';

/** One line of the preflight report. */
export interface PreflightCheck {
  /** `warn`: the bot works, but probably not as the operator meant. */
  status: 'ok' | 'warn' | 'fail';
  what: string;
  detail: string;
}

/**
 * Checks what the bot will need before it serves anyone: each scope's credentials resolve to the
 * configured account, and each group has a baseline in each of its scopes. Never throws: every
 * problem becomes a failed check whose detail says what to do.
 */
export async function runPreflight(config: PatchbotConfig, fleet: Fleet, logger: Logger): Promise<PreflightCheck[]> {
  const log = logger.child({ subsystem: 'preflight' });
  const checks: PreflightCheck[] = [];
  const attempt = async (what: string, fn: () => Promise<{ detail: string; warning?: string }>): Promise<void> => {
    try {
      const { detail, warning } = await fn();
      checks.push(warning ? { status: 'warn', what, detail: `${detail}; ${warning}` } : { status: 'ok', what, detail });
    } catch (err) {
      const e = toPatchbotError(err);
      log.warn({ err: e, what }, 'preflight check failed');
      checks.push({ status: 'fail', what, detail: e.userMessage });
    }
  };

  for (const gw of fleet.gateways) {
    const scope = config.aws.scopes.find((s) => s.name === gw.scope);
    await attempt(`scope ${gw.scope} (${gw.region}) credentials`, async () => {
      const me = await gw.whoAmI();
      if (scope?.accountId && scope.accountId !== me.account) {
        const message = `credentials resolve to account ${me.account}, but the scope says ${scope.accountId}: check roleArn or the credential chain`;
        throw new PatchbotError('CONFIG_INVALID', message);
      }
      return { detail: `account ${me.account} as ${me.arn}` };
    });
  }
  for (const group of config.groups) {
    for (const gw of fleet.gateways.filter((g) => group.scopes.includes(g.scope))) {
      await attempt(`group ${group.name} in ${gw.scope} (${gw.region})`, async () => {
        // One call each, whatever the fleet size: this runs at every start.
        const [baseline, state] = await Promise.all([gw.getBaseline(group), gw.getPatchGroupState(group)]);
        const detail = `baseline ${baseline.name}, ${state.instances} instances report to patch group ${group.tagValue}`;
        // SSM answers with the OS's default baseline when none is registered for the patch group.
        const warnings = [
          ...(baseline.patchGroups.includes(group.tagValue) ? [] : [`no baseline is registered for patch group ${group.tagValue}, so SSM's default applies`]),
          ...(state.instances === 0 ? [`no instance reports to patch group ${group.tagValue}: check tagKey and tagValue, and that the instances were scanned`] : []),
        ];
        return warnings.length > 0 ? { detail, warning: warnings.join('; ') } : { detail };
      });
    }
  }
  return checks;
}

/** The report as plain text lines, failures marked. */
export function formatPreflight(checks: PreflightCheck[]): string {
  return checks.map((c) => `${c.status.toUpperCase().padEnd(4)} ${c.what}: ${c.detail}`).join('\n');
}
