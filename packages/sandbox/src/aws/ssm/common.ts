/**
 * What every SSM handler shares: its context, paging with SSM's MaxResults rules and
 * InvalidNextToken, and readers for the {Key, Values} filter lists SSM uses everywhere.
 */
import type { Simulator } from '../simulator';
import type { Partition } from '../partition';
import { SimulatorError, validationException } from '../errors';
import { paginate } from '../paging';
import { type Candidates, pageInstances } from '../instance-pages';
import type { SimInstance } from '../fleet/model';
import { memberPath, optInt, optList, optString, reqString, structItem, type Input } from '../validate';
import { constraintMessage } from '../errors';

/** Where and when an SSM request runs. */
export interface SsmContext {
  sim: Simulator;
  partition: Partition;
  /** Epoch milliseconds, after commands were settled. */
  now: number;
  operation: string;
}

/** An SSM operation: decoded input in, output structure out (Dates are encoded by the protocol). */
export type SsmHandler = (ctx: SsmContext, input: Input) => object;

/** SSM's answer to a token from another request or partition. */
export function invalidNextToken(): SimulatorError {
  return new SimulatorError('InvalidNextToken', 'The specified token isn’t valid.');
}

/** MaxResults ranges from the SSM API model, by operation. */
export const MAX_RESULTS: Readonly<Record<string, { min: number; max: number }>> = {
  DescribeInstanceInformation: { min: 5, max: 50 },
  DescribeInstancePatchStates: { min: 10, max: 100 },
  DescribeInstancePatchStatesForPatchGroup: { min: 10, max: 100 },
  DescribeInstancePatches: { min: 10, max: 100 },
  DescribePatchGroups: { min: 1, max: 100 },
  DescribePatchBaselines: { min: 1, max: 100 },
  DescribeMaintenanceWindows: { min: 10, max: 100 },
  DescribeMaintenanceWindowTargets: { min: 10, max: 100 },
  DescribeMaintenanceWindowTasks: { min: 10, max: 100 },
  DescribeMaintenanceWindowExecutions: { min: 10, max: 100 },
  DescribeMaintenanceWindowExecutionTasks: { min: 10, max: 100 },
  DescribeMaintenanceWindowExecutionTaskInvocations: { min: 10, max: 100 },
  ListCommands: { min: 1, max: 50 },
  ListCommandInvocations: { min: 1, max: 50 },
};

/**
 * Checks MaxResults and NextToken's type before the operation runs: AWS validates the request
 * against the model first, so an out-of-range MaxResults is refused even when, say, the instance
 * does not exist.
 */
export function checkPaging(operation: string, input: Input): void {
  const range = MAX_RESULTS[operation];
  if (range) optInt(input, 'MaxResults', range);
  optString(input, 'NextToken');
}

/**
 * One page of `items` (sorted by `keyOf`), honouring the operation's MaxResults range (default:
 * its maximum) and the request's NextToken. Returns the page and the token to put in the answer.
 */
export function pageOf<T>(
  ctx: SsmContext,
  input: Input,
  items: readonly T[],
  keyOf: (item: T) => string,
): { items: T[]; NextToken?: string } {
  const range = MAX_RESULTS[ctx.operation] ?? { min: 1, max: 100 };
  const maxResults = optInt(input, 'MaxResults', range) ?? range.max;
  const nextToken = optString(input, 'NextToken');
  const { MaxResults: _m, NextToken: _n, ...request } = input;
  const page = paginate(
    items,
    keyOf,
    maxResults,
    nextToken,
    { partitionKey: ctx.partition.key, operation: ctx.operation, request },
    invalidNextToken,
  );
  return page.nextToken ? { items: page.items, NextToken: page.nextToken } : { items: page.items };
}

/**
 * One page of instances, as `pageOf`, walked from the smallest candidate list the filters offer
 * (see instance-pages.ts) and kept if `accept` says so; in launch order.
 */
export function instancePageOf(
  ctx: SsmContext,
  input: Input,
  offers: readonly Candidates[],
  accept: (instance: SimInstance) => boolean,
): { items: SimInstance[]; NextToken?: string } {
  const range = MAX_RESULTS[ctx.operation] ?? { min: 1, max: 100 };
  const maxResults = optInt(input, 'MaxResults', range) ?? range.max;
  const nextToken = optString(input, 'NextToken');
  const { MaxResults: _m, NextToken: _n, ...request } = input;
  const page = pageInstances(
    ctx.partition,
    offers,
    accept,
    maxResults,
    nextToken,
    { partitionKey: ctx.partition.key, operation: ctx.operation, request },
    invalidNextToken,
  );
  return page.nextToken ? { items: page.items, NextToken: page.nextToken } : { items: page.items };
}

/** A `{Key, Values}` filter. */
export interface KeyValuesFilter {
  Key: string;
  Values: string[];
}

/** Reads an optional list of `{Key, Values}` filters and checks each key against `allowed`. */
export function keyValueFilters(
  input: Input,
  options: {
    member?: string;
    allowed: (key: string) => boolean;
    unknownKey: (key: string) => SimulatorError;
    maxFilters?: number;
    maxValues?: number;
  },
): KeyValuesFilter[] {
  const member = options.member ?? 'Filters';
  const list =
    optList(input, member, structItem(member), options.maxFilters !== undefined ? { max: options.maxFilters } : {}) ??
    [];
  return list.map((filter) => {
    const key = filter['Key'];
    const values = filter['Values'] ?? [];
    if (typeof key !== 'string' || key.length === 0)
      throw validationException(
        `1 validation error detected: Value null at '${member.charAt(0).toLowerCase() + member.slice(1)}.member.key' failed to satisfy constraint: Member must not be null`,
      );
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
      throw new SimulatorError(
        'SerializationException',
        `Unexpected value for ${member}.Values: expected a list of strings`,
      );
    }
    if (options.maxValues !== undefined && values.length > options.maxValues) {
      throw validationException(
        `1 validation error detected: Value at '${member.charAt(0).toLowerCase() + member.slice(1)}.member.values' failed to satisfy constraint: Member must have length less than or equal to ${options.maxValues}`,
      );
    }
    if (!options.allowed(key)) throw options.unknownKey(key);
    return { Key: key, Values: values as string[] };
  });
}

/** Zero-padded number for sort keys. */
export function padKey(n: number, width = 10): string {
  return String(n).padStart(width, '0');
}

/** The form SSM's reference gives for timestamps in filter values: whole seconds, UTC or an offset. */
const FILTER_TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses a timestamp given as a filter value (InvokedAfter/Before, ExecutedAfter/Before). Only the
 * documented whole-second form (`2024-07-07T00:00:00Z`) is accepted: the reference shows no other,
 * so the sandbox refuses fractional seconds rather than let a client depend on them.
 */
export function parseTimestamp(value: string, filterName: string): number {
  const ms = FILTER_TIMESTAMP_RE.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw validationException(
      `The value ${value} of filter ${filterName} is not a valid timestamp: use whole seconds in ISO 8601 form, like 2024-07-07T00:00:00Z.`,
    );
  }
  return ms;
}

/** A case-sensitive glob with `*` (AWS filter values allow it in a few places). */
export function valueMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}

/** The API model's PatchGroup pattern, as AWS quotes it in its validation message. */
const PATCH_GROUP_PATTERN = '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$';
const PATCH_GROUP_RE = new RegExp(PATCH_GROUP_PATTERN, 'u');

/**
 * The required PatchGroup member of every operation that takes one: 1 to 256 characters of the
 * model's pattern, refused with AWS's ValidationException wording otherwise.
 */
export function reqPatchGroup(input: Input): string {
  const group = reqString(input, 'PatchGroup', { min: 1, max: 256 });
  if (!PATCH_GROUP_RE.test(group)) {
    throw validationException(
      constraintMessage(
        memberPath('PatchGroup'),
        group,
        `Member must satisfy regular expression pattern: ${PATCH_GROUP_PATTERN}`,
      ),
    );
  }
  return group;
}
