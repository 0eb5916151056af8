/** The schema of one patch group in patchbot.yml, with its approval policy and install parameters. */
import { z } from 'zod';
import {
  BooleanSchema,
  ChannelSchema,
  DurationSchema,
  MaxConcurrencySchema,
  MaxErrorsSchema,
  OperatingSystemSchema,
  PatchGroupNameSchema,
  SLACK_USER_RE,
  SlackPrincipalSchema,
  expected,
  intBetween,
  strictObject,
} from './fields';
import { GroupSlaSchema } from './history-schema';
import { always, type Ctx, isRecord, isStringList, unique } from './refinements';

/** Who must approve an install or reboot on a group before it runs. */
export const ApprovalSchema = strictObject({
  required: BooleanSchema.default(false),
  approvers: z
    .array(SlackPrincipalSchema, expected('a list of Slack user ids (U…/W…) or user group ids (S…)'))
    .default([]),
  minApprovals: intBetween(1, 100, 'a whole number of at least 1').default(1),
  expiresAfter: DurationSchema.default(4 * 3_600_000),
  allowSelfApproval: BooleanSchema.default(false),
  /** Approve opens a dialog whose written reason is required; the card and the audit log show it. */
  requireReason: BooleanSchema.default(false),
}).transform((a) => ({
  required: a.required,
  approvers: unique(a.approvers),
  minApprovals: a.minApprovals,
  expiresAfterMs: a.expiresAfter,
  allowSelfApproval: a.allowSelfApproval,
  requireReason: a.requireReason,
}));

/** An S3 bucket name as S3 accepts it: 3 to 63 lowercase letters, digits, dots and hyphens. */
const S3BucketSchema = z
  .string(expected('an S3 bucket name'))
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    expected('an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, e.g. "patchbot-output"'),
  );

/**
 * Where SSM writes each invocation's full output (SendCommand's OutputS3BucketName and
 * OutputS3KeyPrefix): SSM itself keeps only the first 24,000 characters of output and 8,000 of
 * errors, so the failure thread links the full output here. The instances' own role writes to the
 * bucket; patchbot only names it. Bucket names follow S3's rules (3 to 63 lowercase letters, digits,
 * dots and hyphens); the prefix is at most 500 characters, as SendCommand allows.
 */
export const OutputS3Schema = strictObject({
  bucket: S3BucketSchema,
  prefix: z
    .string(expected('a key prefix, e.g. "patchbot/prd"'))
    .max(500, expected('a key prefix of at most 500 characters'))
    .optional()
    .transform((p) => (p ? p.replace(/\/+$/, '') || undefined : undefined)),
});

/** An S3 bucket and key prefix for promote's InstallOverrideList objects. */
export const OverrideListSchema = strictObject({
  bucket: S3BucketSchema,
  prefix: z
    .string(expected('an S3 key prefix'))
    .max(512, expected('an S3 key prefix of at most 512 characters'))
    .regex(
      /^[A-Za-z0-9!_.'()/-]*$/,
      expected("an S3 key prefix of A-Z a-z 0-9 ! _ . ' ( ) / - (no * : it would read as a wildcard in IAM)"),
    )
    .default('patchbot/override-lists'),
});

/** How AWS-RunPatchBaseline installs on a group: reboot, rate and timeout (SendCommand parameters). */
export const InstallSchema = strictObject({
  /**
   * The maintenance window (name or id, in the group's scopes) an install waits for when the request
   * names neither `in <window>` nor `at <time>`; absent: an approved install is sent at once.
   */
  runIn: z
    .string(expected('a maintenance window name or id'))
    .regex(/^[A-Za-z0-9_.-]{3,128}$/, expected('a maintenance window name or id (3 to 128 of A-Z a-z 0-9 _ . -)'))
    .optional(),
  rebootOption: z
    .enum(['RebootIfNeeded', 'NoReboot'], expected('"RebootIfNeeded" or "NoReboot"'))
    .default('RebootIfNeeded'),
  maxConcurrency: MaxConcurrencySchema.default('10%'),
  maxErrors: MaxErrorsSchema.default('0'),
  timeoutSeconds: intBetween(30, 2_592_000, 'a whole number of seconds from 30 to 2592000 (30 days)').default(7200),
  /** Optional: the S3 bucket and key prefix SSM writes every command's full output to (see OutputS3Schema). */
  outputS3: OutputS3Schema.optional(),
  /**
   * Where `/patch promote` writes the pinned patch list (AWS-RunPatchBaseline's InstallOverrideList,
   * `<prefix>/<operation id>.yaml` in the bucket); absent: promote onto this group is refused.
   */
  overrideList: OverrideListSchema.optional(),
});

/** A Change Calendar document as GetCalendarState takes it: its name (3 to 128 of A-Z a-z 0-9 _ . -) or its document ARN. */
export const CalendarRefSchema = z
  .string(expected('a Change Calendar name or document ARN'))
  .regex(
    /^(?:[A-Za-z0-9_.-]{3,128}|arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:document\/[A-Za-z0-9_.-]{3,128})$/,
    expected(
      'a Change Calendar name (3 to 128 of A-Z a-z 0-9 _ . -) or its document ARN (arn:aws:ssm:<region>:<account>:document/<name>)',
    ),
  );

/** Break-glass for change freezes: who may override a CLOSED calendar (two of them, each with a reason); none listed: no override. */
export const FreezeSchema = strictObject({
  overrideApprovers: z
    .array(SlackPrincipalSchema, expected('a list of Slack user ids (U…/W…) or user group ids (S…)'))
    .default([]),
}).transform((f) => ({ overrideApprovers: unique(f.overrideApprovers) }));

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
  /** SSM Change Calendars asked before a change is approved and right before it is sent: any CLOSED (or unreadable) one stops the send. */
  changeCalendars: z
    .array(CalendarRefSchema, expected('a list of Change Calendar names or document ARNs'))
    .default([])
    .transform((names) => unique(names)),
  freeze: FreezeSchema.prefault({}),
  /** This group's patch SLA, where it differs from the top-level `sla`. */
  sla: GroupSlaSchema.optional(),
})
  .superRefine(checkApproval, always)
  .superRefine(checkFreeze, always)
  .transform(({ scanMaxAge, operators, ...rest }) => ({
    ...rest,
    operators: unique(operators),
    scanMaxAgeMs: scanMaxAge,
  }));

/** An override needs two different people: one listed user (and no user group) could never grant it. */
function checkFreeze(group: unknown, ctx: Ctx): void {
  if (!isRecord(group) || !isRecord(group.freeze) || !isStringList(group.freeze.overrideApprovers)) return;
  const listed = unique(group.freeze.overrideApprovers);
  if (listed.length !== 1 || !SLACK_USER_RE.test(listed[0]!)) return;
  ctx.addIssue({
    code: 'custom',
    path: ['freeze', 'overrideApprovers'],
    message: `a freeze override takes two different override approvers, so expected at least two (or a user group), got only ${listed[0]}`,
  });
}

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
