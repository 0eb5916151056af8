/**
 * Leaf schemas of patchbot.yml: one value each (a channel, a duration, a cron expression...).
 * Every error message starts with "expected ..."; the issue formatter adds what was found.
 */
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { tryParseDuration } from './duration';

/** `{ error }` params whose message says what was expected. */
export function expected(what: string): { error: string } {
  return { error: `expected ${what}` };
}

/** A strict object: unknown keys are errors whose message lists the keys that are allowed. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `expected one of: ${keys}` : `expected a mapping with the keys ${keys}`,
  });
}

/** A string matching `re`, with one message for a wrong type and a wrong format alike. */
function matching(re: RegExp, what: string) {
  return z.string(expected(what)).regex(re, expected(what));
}

/** Slack channel: an id (C…, G…) or a name (#patching). */
export const CHANNEL_RE = /^(?:[CG][A-Z0-9]+|#[a-z0-9][a-z0-9._-]{0,79})$/;
/** Slack user id (U…, W…). */
export const SLACK_USER_RE = /^[UW][A-Z0-9]+$/;
/** Slack user group id (S…). */
export const SLACK_USERGROUP_RE = /^S[A-Z0-9]+$/;
/** AWS region names: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1. */
export const REGION_RE = /^[a-z]{2}(?:-(?:gov|iso[a-z]?))?-[a-z]+-\d{1,2}$/;
/** Group and scope names. */
export const NAME_RE = /^[A-Za-z0-9_.-]+$/;
/** SSM's patch group name (a group's tag value): letters, spaces, digits and `_ . : / = + - @` (the API model's PatchGroup pattern). */
export const PATCH_GROUP_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** An IAM role ARN; group 1 is the account id. */
export const ROLE_ARN_RE = /^arn:aws(?:-cn|-us-gov|-iso(?:-[a-z])?)?:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/** A Slack channel id like C0123ABC (or G… for private channels) or a channel name like #patching. */
export const ChannelSchema = matching(
  CHANNEL_RE,
  'a Slack channel id like "C0123ABC" or a channel name like "#patching"',
);

/** A Slack user id (U…/W…) or a user group id (S…): someone who may run or approve operations. */
export const SlackPrincipalSchema = z
  .string(expected('a Slack user id like "U0123ABC" or a user group id like "S0123ABC"'))
  .refine(
    (v) => SLACK_USER_RE.test(v) || SLACK_USERGROUP_RE.test(v),
    expected('a Slack user id like "U0123ABC" or a user group id like "S0123ABC"'),
  );

/** An AWS region name like us-east-1. */
export const RegionSchema = matching(REGION_RE, 'an AWS region name like "us-east-1"');

/** A group name: letters, digits, "-", "_" and ".". */
export const GroupNameSchema = matching(NAME_RE, 'a group name of letters, digits, "-", "_" and "." only').max(
  128,
  expected('a group name of at most 128 characters'),
);

const PATCH_GROUP_WHAT =
  'a tag value SSM accepts as a patch group name: 1 to 256 letters, digits, spaces and _ . : / = + - @';

/** A group's tag value, which SSM also uses as the patch group name: 1 to 256 characters of its pattern. */
export const PatchGroupNameSchema = z
  .string(expected(PATCH_GROUP_WHAT))
  .min(1, expected(PATCH_GROUP_WHAT))
  .max(256, expected("a tag value of at most 256 characters (SSM's limit for a patch group name)"))
  .regex(PATCH_GROUP_RE, expected(PATCH_GROUP_WHAT));

/** A scope name: letters, digits, "-", "_" and ".". */
export const ScopeNameSchema = matching(NAME_RE, 'a scope name of letters, digits, "-", "_" and "." only').max(
  64,
  expected('a scope name of at most 64 characters'),
);

/** A 12-digit AWS account id, written as a quoted string so YAML keeps its leading zeros. */
export const AccountIdSchema = z.unknown().transform((value, ctx): string => {
  if (typeof value === 'string' && /^\d{12}$/.test(value)) return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1e11 && value < 1e12) return String(value);
  const message =
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1e11
      ? `expected a 12-digit account id in quotes, got the number ${value}: YAML read it as a number and dropped its leading zeros; write accountId: "${String(value).padStart(12, '0')}"`
      : 'expected a 12-digit account id in quotes like "012345678901"';
  ctx.addIssue({ code: 'custom', message, input: value });
  return z.NEVER;
});

/** An IAM role ARN like arn:aws:iam::123456789012:role/patchbot. */
export const RoleArnSchema = matching(ROLE_ARN_RE, 'an IAM role ARN like "arn:aws:iam::123456789012:role/patchbot"');

/** A duration like "4h" or "1h30m", as milliseconds (greater than zero). */
export const DurationSchema = z.string(expected('a duration like "4h"')).transform((text, ctx): number => {
  const ms = tryParseDuration(text);
  if (ms === undefined || ms === 0) {
    ctx.addIssue({
      code: 'custom',
      message: ms === 0 ? 'expected a duration longer than zero like "4h"' : 'expected a duration like "4h"',
      input: text,
    });
    return z.NEVER;
  }
  return ms;
});

/** A 5-field cron expression (minute hour day-of-month month day-of-week) that node-cron accepts. */
export const CronSchema = z
  .string(expected('a 5-field cron expression like "*/15 * * * *"'))
  .superRefine((text, ctx) => {
    const fields = text.trim().split(/\s+/).filter(Boolean).length;
    if (fields === 5 && validateCron(text.trim())) return;
    const why = fields === 6 ? ' (6 fields: patchbot schedules to the minute, without a seconds field)' : '';
    ctx.addIssue({
      code: 'custom',
      message: `expected a 5-field cron expression (minute hour day-of-month month day-of-week) like "*/15 * * * *", got ${JSON.stringify(text)}${why}`,
      input: text,
    });
  });

/** True when Intl knows the IANA time zone. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone like "Europe/Berlin" or "UTC". */
export const TimeZoneSchema = z
  .string(expected('an IANA time zone like "Europe/Berlin" or "UTC"'))
  .refine((v) => v.trim() !== '' && isTimeZone(v), expected('an IANA time zone like "Europe/Berlin" or "UTC"'));

/** AWS rate form for MaxConcurrency: "10" or "10%" (at least 1 / 1%). */
export const MaxConcurrencySchema = awsRate(
  /^(?:[1-9][0-9]*|[1-9][0-9]?%|100%)$/,
  'a number of instances like "10" or a percentage like "10%" (at least 1, at most 100%)',
);

/** AWS rate form for MaxErrors: "0", "5" or "10%". */
export const MaxErrorsSchema = awsRate(
  /^(?:0|[1-9][0-9]*|[0-9]%|[1-9][0-9]%|100%)$/,
  'a number of errors like "0" or "5", or a percentage like "10%"',
);

function awsRate(re: RegExp, what: string) {
  return z
    .union([z.string(), z.number()], expected(what))
    .transform((v) => String(v))
    .refine((v) => re.test(v), expected(what));
}

/** true or false. */
export const BooleanSchema = z.boolean(expected('true or false'));

/** A whole number from `min` to `max`. */
export function intBetween(min: number, max: number, what: string) {
  const e = expected(what);
  return z.number(e).int(e).min(min, e).max(max, e);
}

/** pino log levels. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of pino's log levels. */
export type LogLevel = (typeof LOG_LEVELS)[number];
/** A log level name: fatal, error, warn, info, debug, trace or silent. */
export const LogLevelSchema = z.enum(LOG_LEVELS, expected(`one of ${LOG_LEVELS.join(', ')}`));

/** SSM OperatingSystem values (patch baselines are per OS). */
export const OPERATING_SYSTEMS = [
  'AMAZON_LINUX_2',
  'AMAZON_LINUX_2023',
  'AMAZON_LINUX_2022',
  'AMAZON_LINUX',
  'WINDOWS',
  'UBUNTU',
  'DEBIAN',
  'REDHAT_ENTERPRISE_LINUX',
  'CENTOS',
  'ORACLE_LINUX',
  'ROCKY_LINUX',
  'ALMA_LINUX',
  'SUSE',
  'MACOS',
  'RASPBIAN',
] as const;
/** An SSM OperatingSystem value. */
export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];
/** SSM's OperatingSystem enum, as GetPatchBaselineForPatchGroup takes it. */
export const OperatingSystemSchema = z.enum(
  OPERATING_SYSTEMS,
  expected(`an SSM operating system: ${OPERATING_SYSTEMS.join(', ')}`),
);
