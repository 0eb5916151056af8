/**
 * The zod schema of patchbot.yml. Parsing validates every key (unknown keys are errors), fills
 * defaults and normalizes for code: durations in ms, groups as a list with their names, scopes
 * resolved. Cross-references (scopes, promoteFrom, approvers) are checked on the whole document.
 */
import { z } from 'zod';
import {
  AccountIdSchema,
  BooleanSchema,
  ChannelSchema,
  CronSchema,
  DurationSchema,
  GroupNameSchema,
  PatchGroupNameSchema,
  LogLevelSchema,
  MaxConcurrencySchema,
  MaxErrorsSchema,
  OperatingSystemSchema,
  RegionSchema,
  ROLE_ARN_RE,
  RoleArnSchema,
  SLACK_USER_RE,
  ScopeNameSchema,
  SlackPrincipalSchema,
  TimeZoneSchema,
  expected,
  intBetween,
  strictObject,
  type LogLevel,
} from './fields';
import { formatPath } from './paths';

type Ctx = z.core.$RefinementCtx<unknown>;

/** Runs a check even when other keys of the object failed, so every problem is reported at once. */
const always = { when: () => true };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const unique = <T>(list: T[]): T[] => [...new Set(list)];

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
  }));

/** Who must approve an install or reboot on a group before it runs. */
export const ApprovalSchema = strictObject({
  required: BooleanSchema.default(false),
  approvers: z
    .array(SlackPrincipalSchema, expected('a list of Slack user ids (U…/W…) or user group ids (S…)'))
    .default([]),
  minApprovals: intBetween(1, 100, 'a whole number of at least 1').default(1),
  expiresAfter: DurationSchema.default(4 * 3_600_000),
  allowSelfApproval: BooleanSchema.default(false),
}).transform((a) => ({
  required: a.required,
  approvers: unique(a.approvers),
  minApprovals: a.minApprovals,
  expiresAfterMs: a.expiresAfter,
  allowSelfApproval: a.allowSelfApproval,
}));

/** How AWS-RunPatchBaseline installs on a group: reboot, rate and timeout (SendCommand parameters). */
export const InstallSchema = strictObject({
  rebootOption: z
    .enum(['RebootIfNeeded', 'NoReboot'], expected('"RebootIfNeeded" or "NoReboot"'))
    .default('RebootIfNeeded'),
  maxConcurrency: MaxConcurrencySchema.default('10%'),
  maxErrors: MaxErrorsSchema.default('0'),
  timeoutSeconds: intBetween(30, 2_592_000, 'a whole number of seconds from 30 to 2592000 (30 days)').default(7200),
});

/** One patch group: the instances tagged with it, its channel, who may operate on it, and its policies. */
export const GroupSchema = strictObject({
  tagKey: z.enum(['Patch Group', 'PatchGroup'], expected('"Patch Group" or "PatchGroup"')).default('Patch Group'),
  tagValue: PatchGroupNameSchema.optional(),
  channel: ChannelSchema,
  operators: z
    .array(SlackPrincipalSchema, expected('a list of Slack user ids (U…/W…) or user group ids (S…)'))
    .min(1, expected('at least one operator (a Slack user id U…/W… or user group id S…)')),
  operatingSystem: OperatingSystemSchema.default('AMAZON_LINUX_2'),
  scopes: z
    .array(z.string(expected('a scope name')), expected('a list of scope names'))
    .min(1, expected('at least one scope name (or leave scopes out for all scopes)'))
    .optional(),
  approval: ApprovalSchema.prefault({}),
  install: InstallSchema.prefault({}),
  scanMaxAge: DurationSchema.default(24 * 3_600_000),
  promoteFrom: z.string(expected('the name of another group')).optional(),
})
  .superRefine(checkApproval, always)
  .transform(({ scanMaxAge, operators, ...rest }) => ({
    ...rest,
    operators: unique(operators),
    scanMaxAgeMs: scanMaxAge,
  }));

/** A required approval must be grantable: approvers exist, enough of them, and not only the requester. */
function checkApproval(group: unknown, ctx: Ctx): void {
  if (!isRecord(group) || !isRecord(group.approval) || group.approval.required !== true) return;
  const { approvers, minApprovals, allowSelfApproval } = group.approval;
  if (!isStringList(approvers)) return;
  if (approvers.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['approval', 'approvers'],
      message:
        'approval.required is true, so expected at least one approver (a Slack user id U…/W… or user group id S…), got none',
    });
    return;
  }
  // With a user group among the approvers the bot cannot count them here; it checks when approving.
  if (typeof minApprovals !== 'number' || !approvers.every((a) => SLACK_USER_RE.test(a))) return;
  const listed = unique(approvers);
  if (minApprovals > listed.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['approval', 'minApprovals'],
      message: `expected at most ${listed.length} (the number of approvers listed: ${listed.join(', ')}), got ${minApprovals}`,
    });
    return;
  }
  if (allowSelfApproval === true || !isStringList(group.operators)) return;
  const selfApprovers = listed.filter((a) => (group.operators as string[]).includes(a));
  if (selfApprovers.length === 0 || listed.length - 1 >= minApprovals) return;
  const first = selfApprovers[0];
  const message =
    listed.length === 1
      ? `${first} is both an operator and the only approver, and allowSelfApproval is false, so ${first}'s own requests could never be approved; add another approver or set allowSelfApproval: true`
      : `minApprovals is ${minApprovals} and ${listed.length} approvers are listed, but ${selfApprovers.join(', ')} ${selfApprovers.length === 1 ? 'is also an operator' : 'are also operators'} and may not approve their own requests (allowSelfApproval is false), so such a request could never get ${minApprovals} approvals; add an approver, lower minApprovals, or set allowSelfApproval: true`;
  ctx.addIssue({ code: 'custom', path: ['approval'], message });
}

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

/** Name of the scope used when patchbot.yml names none. */
export const DEFAULT_SCOPE_NAME = 'default';

/** The whole of patchbot.yml, normalized; `defaults` are the parts that come from the environment. */
export function createPatchbotConfigSchema(defaults: ConfigDefaults) {
  return strictObject({
    aws: strictObject({
      scopes: z
        .array(ScopeSchema, expected('a list of scopes'))
        .min(1, expected('at least one scope (or leave aws.scopes out for the default scope)'))
        .optional(),
    }).optional(),
    groups: z
      .record(GroupNameSchema, GroupSchema, expected('a mapping of patch group names to their settings'))
      .refine((g) => Object.keys(g).length > 0, expected('at least one patch group')),
    schedules: SchedulesSchema.prefault({}),
    windows: WindowsSchema.prefault({}),
    slack: SlackSettingsSchema.prefault({}),
    log: LogSettingsSchema.prefault({}),
  })
    .superRefine(checkReferences, always)
    .transform((doc) => {
      const scopes = doc.aws?.scopes ?? [
        {
          name: DEFAULT_SCOPE_NAME,
          accountId: undefined,
          roleArn: undefined,
          externalId: undefined,
          regions: [defaults.region],
        },
      ];
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
        /** The group's canonical name (the document may spell it in another case). */
        promoteFrom:
          g.promoteFrom === undefined ? undefined : (canonical.get(g.promoteFrom.toLowerCase()) ?? g.promoteFrom),
      }));
      return {
        aws: { scopes },
        groups,
        schedules: doc.schedules,
        windows: doc.windows,
        slack: doc.slack,
        log: { level: defaults.logLevel ?? doc.log.level },
      };
    });
}

/** Cross-references: unique names, known scopes, promoteFrom names another group without cycles. */
function checkReferences(doc: unknown, ctx: Ctx): void {
  if (!isRecord(doc)) return;
  const scopeNames: string[] = [];
  const scopes = isRecord(doc.aws) ? doc.aws.scopes : undefined;
  if (Array.isArray(scopes)) {
    scopes.forEach((scope, i) => {
      if (!isRecord(scope) || typeof scope.name !== 'string') return;
      const first = scopeNames.indexOf(scope.name);
      if (first >= 0)
        ctx.addIssue({
          code: 'custom',
          path: ['aws', 'scopes', i, 'name'],
          message: `duplicate scope name "${scope.name}" (also ${formatPath(['aws', 'scopes', first])})`,
        });
      scopeNames.push(scope.name);
    });
  } else if (scopes === undefined) {
    scopeNames.push(DEFAULT_SCOPE_NAME);
  }

  if (!isRecord(doc.groups)) return;
  const groups = doc.groups;
  const names = Object.keys(groups);
  const byLower = new Map<string, string>();
  for (const name of names) {
    const other = byLower.get(name.toLowerCase());
    if (other !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['groups', name],
        message: `duplicate group name: "${name}" and "${other}" differ only in case (group names are case-insensitive)`,
      });
    } else byLower.set(name.toLowerCase(), name);
  }

  const promotes = new Map<string, string>();
  for (const name of names) {
    const group = groups[name];
    if (!isRecord(group)) continue;
    if (isStringList(group.scopes) && Array.isArray(scopes)) {
      group.scopes.forEach((scope, i) => {
        if (!scopeNames.includes(scope)) {
          ctx.addIssue({
            code: 'custom',
            path: ['groups', name, 'scopes', i],
            message: `unknown scope "${scope}" (scopes: ${unique(scopeNames).join(', ')})`,
          });
        }
      });
    } else if (isStringList(group.scopes) && scopes === undefined) {
      group.scopes.forEach((scope, i) => {
        if (scope !== DEFAULT_SCOPE_NAME) {
          ctx.addIssue({
            code: 'custom',
            path: ['groups', name, 'scopes', i],
            message: `unknown scope "${scope}" (aws.scopes is not set, so the only scope is "${DEFAULT_SCOPE_NAME}")`,
          });
        }
      });
    }
    if (typeof group.promoteFrom !== 'string') continue;
    const from = byLower.get(group.promoteFrom.toLowerCase());
    if (from === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['groups', name, 'promoteFrom'],
        message: `unknown group "${group.promoteFrom}" (groups: ${names.join(', ')})`,
      });
    } else if (from === name) {
      ctx.addIssue({
        code: 'custom',
        path: ['groups', name, 'promoteFrom'],
        message: 'a group cannot promote from itself',
      });
    } else promotes.set(name, from);
  }

  // Each group promotes from at most one other, so a cycle is found by walking back from each group.
  const reported = new Set<string>();
  for (const start of names) {
    const chain = [start];
    let current = promotes.get(start);
    while (current !== undefined && !chain.includes(current)) {
      chain.push(current);
      current = promotes.get(current);
    }
    if (current !== start || reported.has(start)) continue;
    for (const n of chain) reported.add(n);
    const flow = [...chain].reverse();
    flow.push(flow[0] as string);
    ctx.addIssue({
      code: 'custom',
      path: ['groups', start, 'promoteFrom'],
      message: `promotion cycle ${flow.join(' → ')}: patches must start from a group without promoteFrom`,
    });
  }
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
/** The schedules, each with its time zone resolved. */
export type Schedules = z.output<typeof SchedulesSchema>;
/** One schedule. */
export type Schedule = Schedules['digest'];
/** Where maintenance-window results go. */
export type WindowRouting = z.output<typeof WindowsSchema>;
/** Slack settings, intervals in ms. */
export type SlackSettings = z.output<typeof SlackSettingsSchema>;
