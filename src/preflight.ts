import type { Fleet, ManagedInstance } from './aws';
import { requireSlackSecrets, type AppEnv, type PatchbotConfig } from './config';
import { ConfigError, PatchbotError, toPatchbotError } from './errors';
import type { Logger } from './logger';
import { otherSpellingFix, otherSpellingSummary, otherTagKey } from './patching/tag-spelling';
import { describeSlackIdentity, slackAppTokenTest, slackAuthTest } from './slack/auth-check';
import { configChannels, isChannelId, resolveConfigChannels } from './slack/channel-names';
import { probeDatabase, type DatabaseTarget } from './store';

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
        // One call each (the EC2 one paginated over the other spelling's few instances): this runs at every start.
        const [baseline, state, other] = await Promise.all([
          gw.getBaseline(group),
          gw.getPatchGroupState(group),
          gw.listOtherSpelling(group),
        ]);
        const detail = `baseline ${baseline.name}, ${state.instances} instances report to patch group ${group.tagValue}`;
        // SSM answers with the OS's default baseline when none is registered for the patch group.
        const warnings = [
          ...(baseline.patchGroups.includes(group.tagValue)
            ? []
            : [`no baseline is registered for patch group ${group.tagValue}, so SSM's default applies`]),
          ...(state.instances === 0
            ? [
                `no instance reports to patch group ${group.tagValue}: check tagKey and tagValue, and that the instances were scanned`,
              ]
            : []),
          ...(other.length > 0 ? [otherSpellingWarning(group, other)] : []),
        ];
        return warnings.length > 0 ? { detail, warning: warnings.join('; ') } : { detail };
      });
    }
  }
  return checks;
}

/** How many instances the preflight names under the other tag spelling before "and N more". */
const NAMED_OTHER_SPELLING = 5;

/** "1 instance is tagged PatchGroup=PRD and is not part of this group (prd-db-2 i-…): SSM counts … retag …". */
function otherSpellingWarning(group: { tagKey: string; tagValue: string }, instances: ManagedInstance[]): string {
  const found = { tagKey: otherTagKey(group), tagValue: group.tagValue, groupTagKey: group.tagKey, instances };
  const named = instances
    .slice(0, NAMED_OTHER_SPELLING)
    .map((i) => (i.name ? `${i.name} ${i.instanceId}` : i.instanceId));
  const more = instances.length > named.length ? `, and ${instances.length - named.length} more` : '';
  return `${otherSpellingSummary(found) ?? ''} (${named.join(', ')}${more}): ${otherSpellingFix(found)}`;
}

/**
 * Checks the Slack side exactly as `npm start` needs it: the variables the chosen mode requires
 * (bot token; signing secret for HTTP mode, app token for Socket Mode), one failed check per missing
 * variable; with an app token, that Slack opens Socket Mode connections with it; then, when a bot
 * token is set, that Slack accepts it (auth.test), naming the bot and the
 * workspace; with `config`, that every channel it names is one Slack has (names resolved to ids,
 * none archived), as `npm start` resolves them. Never throws.
 */
export async function runSlackPreflight(
  env: AppEnv,
  logger: Logger,
  config?: PatchbotConfig,
): Promise<PreflightCheck[]> {
  const log = logger.child({ subsystem: 'preflight' });
  const checks: PreflightCheck[] = [];
  try {
    const secrets = requireSlackSecrets(env);
    const detail =
      secrets.mode === 'socket'
        ? 'Socket Mode (SLACK_APP_TOKEN), with SLACK_BOT_TOKEN'
        : `HTTP mode (SLACK_APP_TOKEN not set), with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; Slack sends requests to port ${secrets.port} (/slack/events)`;
    checks.push({ status: 'ok', what: 'Slack settings', detail });
  } catch (err) {
    if (err instanceof ConfigError)
      for (const issue of err.issues)
        checks.push({ status: 'fail', what: `Slack ${issue.path}`, detail: issue.message });
    else checks.push({ status: 'fail', what: 'Slack settings', detail: toPatchbotError(err).userMessage });
  }
  const { botToken, appToken, apiUrl } = env.slack;
  if (appToken !== undefined) {
    try {
      await slackAppTokenTest({ appToken, apiUrl }, logger);
      checks.push({
        status: 'ok',
        what: 'Slack app token',
        detail: 'Slack opens Socket Mode connections with it (apps.connections.open)',
      });
    } catch (err) {
      const e = toPatchbotError(err);
      log.warn({ err: e, what: 'Slack app token' }, 'preflight check failed');
      checks.push({ status: 'fail', what: 'Slack app token', detail: e.userMessage });
    }
  }
  if (botToken !== undefined) {
    try {
      const me = await slackAuthTest({ botToken, apiUrl }, logger);
      checks.push({ status: 'ok', what: 'Slack bot token', detail: `Slack accepts it: ${describeSlackIdentity(me)}` });
      if (config) checks.push(await channelCheck(config, { botToken, apiUrl }, logger));
    } catch (err) {
      const e = toPatchbotError(err);
      log.warn({ err: e, what: 'Slack bot token' }, 'preflight check failed');
      checks.push({ status: 'fail', what: 'Slack bot token', detail: e.userMessage });
    }
  }
  return checks;
}

/** The config's channels resolved as `npm start` resolves them: names to ids, none archived or unknown. */
async function channelCheck(
  config: PatchbotConfig,
  target: { botToken: string; apiUrl: string | undefined },
  logger: Logger,
): Promise<PreflightCheck> {
  try {
    const { config: resolved, warnings } = await resolveConfigChannels(config, target, logger);
    const before = configChannels(config);
    const after = configChannels(resolved);
    const named = before.flatMap((c, i) => (isChannelId(c.value) ? [] : [`${c.value} is ${after[i]?.value ?? '?'}`]));
    const distinct = new Set(after.map((c) => c.value)).size;
    const detail = `${distinct} channel${distinct === 1 ? '' : 's'}${named.length > 0 ? `; ${[...new Set(named)].join(', ')}` : ''}`;
    return warnings.length > 0
      ? { status: 'warn', what: 'Slack channels', detail: `${detail}; ${warnings.join('; ')}` }
      : { status: 'ok', what: 'Slack channels', detail };
  } catch (err) {
    const e = toPatchbotError(err);
    logger.child({ subsystem: 'preflight' }).warn({ err: e, what: 'Slack channels' }, 'preflight check failed');
    return { status: 'fail', what: 'Slack channels', detail: e.userMessage };
  }
}

/**
 * The state database `npm start` would use: the SQLite file, or the PostgreSQL server and database
 * (never the password) and whether it answers. Never throws.
 */
export async function databaseCheck(database: DatabaseTarget, logger: Logger): Promise<PreflightCheck> {
  const what = 'state database';
  try {
    return { status: 'ok', what, detail: await probeDatabase(database) };
  } catch (err) {
    const e = toPatchbotError(err);
    logger.child({ subsystem: 'preflight' }).warn({ err: e, what }, 'preflight check failed');
    // The operator reads this line: the host, the database and the fix (the user message would hide them).
    return { status: 'fail', what, detail: e.operatorMessage };
  }
}

/** The report as plain text lines, failures marked. */
export function formatPreflight(checks: PreflightCheck[]): string {
  return checks.map((c) => `${c.status.toUpperCase().padEnd(4)} ${c.what}: ${c.detail}`).join('\n');
}
