/** A printable summary of the configuration for the startup log: no secret values, only whether they are set. */
import { describeDatabase } from './database';
import { maskSecrets } from './env';
import type { AppConfig } from './load';

/** What patchbot runs with, safe to log: secrets show as "[redacted]" or "[not set]". */
export function describeConfig(app: AppConfig): Record<string, unknown> {
  const { env, config } = app;
  return {
    file: app.file,
    slack: { ...maskSecrets(env.slack), updateIntervalMs: config.slack.updateIntervalMs },
    port: env.port,
    database: describeDatabase(env.database),
    logLevel: config.log.level,
    scopes: config.aws.scopes.map((s) => ({
      name: s.name,
      accountId: s.accountId,
      roleArn: s.roleArn,
      externalId: s.externalId ? '[set]' : undefined,
      regions: s.regions,
    })),
    groups: config.groups.map((g) => ({
      name: g.name,
      tag: `${g.tagKey}=${g.tagValue}`,
      os: g.operatingSystem,
      channel: g.channel,
      scopes: g.scopes,
      approvalRequired: g.approval.required,
      promoteFrom: g.promoteFrom,
    })),
    schedules: config.schedules,
    windows: config.windows,
  };
}
