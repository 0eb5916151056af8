/**
 * The zod schema of patchbot.yml. Parsing validates every key (unknown keys are errors), fills
 * defaults and normalizes for code: durations in ms, groups as a list with their names, scopes
 * resolved. Cross-references (scopes, promoteFrom, approvers) are checked on the whole document.
 */
import { z } from 'zod';
import { checkReferences, DEFAULT_SCOPE_NAME } from './cross-references';
import {
  AccountIdSchema,
  BooleanSchema,
  ChannelSchema,
  CronSchema,
  GroupNameSchema,
  LogLevelSchema,
  ROLE_ARN_RE,
  RegionSchema,
  RoleArnSchema,
  ScopeNameSchema,
  TimeZoneSchema,
  type LogLevel,
  expected,
  intBetween,
  strictObject,
} from './fields';
import { type ApprovalSchema, GroupSchema, type InstallSchema } from './group-schema';
import { groupSla, HistorySchema, SlaSchema } from './history-schema';
import { DEFAULT_RATE_LIMIT, RateLimitSchema } from './rate-limit';
import { always, isStringList, unique } from './refinements';

export { ApprovalSchema, GroupSchema, InstallSchema } from './group-schema';
export { DEFAULT_SCOPE_NAME } from './cross-references';

/** One AWS account (default credential chain, or a role to assume) and the regions patchbot looks at in it. */
export const ScopeSchema = strictObject({
  name: ScopeNameSchema,
  accountId: AccountIdSchema.optional(),
  roleArn: RoleArnSchema.optional(),
  externalId: z
    .string(expected('an external id string'))
    .min(2, expected('an external id of 2 to 1224 characters'))
    .max(1224, expected('an external id of 2 to 1224 characters'))
    .optional(),
  regions: z
    .array(RegionSchema, expected('a list of AWS region names like [us-east-1, eu-west-1]'))
    .min(1, expected('at least one AWS region name like "us-east-1"')),
  /** This scope's own request budget, instead of aws.rateLimit. */
  rateLimit: RateLimitSchema.optional(),
})
  .superRefine((scope, ctx) => {
    const s = scope as Record<string, unknown>;
    const arnAccount = typeof s.roleArn === 'string' ? ROLE_ARN_RE.exec(s.roleArn)?.[1] : undefined;
    if (arnAccount && typeof s.accountId === 'string' && arnAccount !== s.accountId) {
      ctx.addIssue({
        code: 'custom',
        path: ['roleArn'],
        message: `the role is in account ${arnAccount} but accountId is "${s.accountId}"; they must agree`,
      });
    }
    if (s.externalId !== undefined && s.roleArn === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['externalId'],
        message: 'externalId is only used to assume a role: add roleArn or remove externalId',
      });
    }
    const regions = s.regions;
    if (isStringList(regions)) {
      regions.forEach((region, i) => {
        if (regions.indexOf(region) !== i)
          ctx.addIssue({ code: 'custom', path: ['regions', i], message: `duplicate region "${region}"` });
      });
    }
  }, always)
  .transform((s) => ({
    name: s.name,
    /** From accountId, or else from the role's ARN; undefined for the default credential chain. */
    accountId: s.accountId ?? (s.roleArn ? ROLE_ARN_RE.exec(s.roleArn)?.[1] : undefined),
    roleArn: s.roleArn,
    externalId: s.externalId,
    regions: s.regions,
    /** The scope's own budget; the document's transform fills in aws.rateLimit where it has none. */
    rateLimit: s.rateLimit,
  }));

/** One recurring job: when it runs (5-field cron), in which time zone, and whether it runs at all. */
function scheduleSchema(defaultCron: string) {
  return strictObject({
    cron: CronSchema.default(defaultCron),
    timezone: TimeZoneSchema.optional(),
    enabled: BooleanSchema.default(true),
  });
}

/** When the pollers and the digest run; each schedule may override the shared time zone. */
export const SchedulesSchema = strictObject({
  timezone: TimeZoneSchema.default('UTC'),
  compliancePoll: scheduleSchema('*/15 * * * *').prefault({}),
  windowPoll: scheduleSchema('*/5 * * * *').prefault({}),
  digest: scheduleSchema('0 9 * * 1-5').prefault({}),
}).transform(({ timezone, ...jobs }) => {
  const resolve = (job: { cron: string; timezone?: string | undefined; enabled: boolean }) => ({
    cron: job.cron,
    timezone: job.timezone ?? timezone,
    enabled: job.enabled,
  });
  return {
    timezone,
    compliancePoll: resolve(jobs.compliancePoll),
    windowPoll: resolve(jobs.windowPoll),
    digest: resolve(jobs.digest),
  };
});

/** Where maintenance-window results are posted: per window (name or id), else the fallback. */
export const WindowsSchema = strictObject({
  channels: z
    .record(
      z.string().min(1, expected('a window name or id')),
      ChannelSchema,
      expected('a mapping of window name or id to a Slack channel'),
    )
    .default({}),
  fallback: z.enum(['group', 'none'], expected('"group" or "none"')).default('group'),
});

/** Non-secret Slack settings (the tokens come from the environment only). */
export const SlackSettingsSchema = strictObject({
  updateIntervalSeconds: intBetween(1, 60, 'a whole number of seconds from 1 to 60').default(5),
}).transform((s) => ({ updateIntervalMs: s.updateIntervalSeconds * 1000 }));

/** Logging settings; LOG_LEVEL in the environment overrides `level`. */
export const LogSettingsSchema = strictObject({
  level: LogLevelSchema.default('info'),
});

/** The settings patchbot.yml cannot hold: the environment supplies them. */
export interface ConfigDefaults {
  /** Region of the `default` scope when the document names no scopes. */
  region: string;
  /** LOG_LEVEL, which overrides log.level. */
  logLevel?: LogLevel | undefined;
}
/** The whole of patchbot.yml, normalized; `defaults` are the parts that come from the environment. */
export function createPatchbotConfigSchema(defaults: ConfigDefaults) {
  return strictObject({
    aws: strictObject({
      scopes: z
        .array(ScopeSchema, expected('a list of scopes'))
        .min(1, expected('at least one scope (or leave aws.scopes out for the default scope)'))
        .optional(),
      /** The request budget of each account and region (rate-limit.ts says why the default is what it is). */
      rateLimit: RateLimitSchema.prefault({}),
    }).optional(),
    groups: z
      .record(GroupNameSchema, GroupSchema, expected('a mapping of patch group names to their settings'))
      .refine((g) => Object.keys(g).length > 0, expected('at least one patch group')),
    schedules: SchedulesSchema.prefault({}),
    windows: WindowsSchema.prefault({}),
    slack: SlackSettingsSchema.prefault({}),
    log: LogSettingsSchema.prefault({}),
    history: HistorySchema.prefault({}),
    sla: SlaSchema.prefault({}),
  })
    .superRefine(checkReferences, always)
    .transform((doc) => {
      const rateLimit = doc.aws?.rateLimit ?? { ...DEFAULT_RATE_LIMIT };
      const scopes = (
        doc.aws?.scopes ?? [
          {
            name: DEFAULT_SCOPE_NAME,
            accountId: undefined,
            roleArn: undefined,
            externalId: undefined,
            regions: [defaults.region],
            rateLimit: undefined,
          },
        ]
      ).map((s) => ({ ...s, rateLimit: s.rateLimit ?? rateLimit }));
      const canonical = new Map(Object.keys(doc.groups).map((name) => [name.toLowerCase(), name]));
      const groups = Object.entries(doc.groups).map(([name, g]) => ({
        name,
        tagKey: g.tagKey,
        /** The tag value, which is also SSM's patch group name. */
        tagValue: g.tagValue ?? name,
        channel: g.channel,
        operators: g.operators,
        operatingSystem: g.operatingSystem,
        /** Scope names, all scopes when the group names none. */
        scopes: g.scopes ? unique(g.scopes) : scopes.map((s) => s.name),
        approval: g.approval,
        install: g.install,
        scanMaxAgeMs: g.scanMaxAgeMs,
        /** Change Calendars asked before a change is approved and sent (none: never frozen). */
        changeCalendars: g.changeCalendars,
        /** Break-glass for freezes: who may override (none: no override). */
        freeze: g.freeze,
        /** The group's canonical name (the document may spell it in another case). */
        promoteFrom:
          g.promoteFrom === undefined ? undefined : (canonical.get(g.promoteFrom.toLowerCase()) ?? g.promoteFrom),
        /** How long a Critical / Important patch may be missing: the group's own, else the top level's. */
        sla: groupSla(doc.sla, g.sla),
      }));
      return {
        aws: { scopes, rateLimit },
        groups,
        schedules: doc.schedules,
        windows: doc.windows,
        slack: doc.slack,
        log: { level: defaults.logLevel ?? doc.log.level },
        history: doc.history,
        sla: doc.sla,
      };
    });
}

/** patchbot.yml read with no environment: the default scope is in us-east-1. */
export const PatchbotConfigSchema = createPatchbotConfigSchema({ region: 'us-east-1' });

/** The normalized configuration code uses. */
export type PatchbotConfig = z.output<typeof PatchbotConfigSchema>;
/** A scope with its account resolved. */
export type Scope = z.output<typeof ScopeSchema>;
/** A patch group with its name, tag value and scopes resolved, durations in ms. */
export type PatchGroup = PatchbotConfig['groups'][number];
/** A group's approval policy, expiry in ms. */
export type ApprovalPolicy = z.output<typeof ApprovalSchema>;
/** A group's install parameters. */
export type InstallSettings = z.output<typeof InstallSchema>;
/** Where SSM writes a group's command output (install.outputS3). */
export type OutputS3 = NonNullable<InstallSettings['outputS3']>;
/** The schedules, each with its time zone resolved. */
export type Schedules = z.output<typeof SchedulesSchema>;
/** One schedule. */
export type Schedule = Schedules['digest'];
/** Where maintenance-window results go. */
export type WindowRouting = z.output<typeof WindowsSchema>;
/** Slack settings, intervals in ms. */
export type SlackSettings = z.output<typeof SlackSettingsSchema>;
