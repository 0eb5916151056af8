/**
 * SSM's patch state pages (DescribeInstancePatchStatesForPatchGroup, DescribeInstancePatchStates)
 * read with JSON.parse instead of the SDK's schema-driven deserialiser. Every poll and status reads
 * one page per 100 instances (1,000 pages for a quiet poll of 100,000), so the reading is most of
 * what they allocate: per page of 100, the SDK's reading and the mapper allocated about 500 KB and
 * took about 6 ms of the event loop; JSON.parse and the same mapper, 290 KB and 3 ms. A zod schema
 * would allocate 626 KB a page, more than the SDK, so each item is checked by hand below.
 * Only 2xx answers are read here: error answers go through the SDK's own deserialiser, so they
 * keep their names, codes and retries.
 */
import type {
  DescribeInstancePatchStatesCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  InstancePatchState as SdkInstancePatchState,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { DeserializeMiddleware, RelativeMiddlewareOptions } from '@aws-sdk/types';
import { TurnBudget } from '../shared/turn-budget';

/** One page: the items as the SDK would have typed them (timestamps as Dates), and the token for the next. */
export interface PatchStatePage {
  states: SdkInstancePatchState[];
  nextToken: string | undefined;
}

/** The two SSM calls whose answer is `{ InstancePatchStates, NextToken }`. */
type PatchStatesCommand = DescribeInstancePatchStatesForPatchGroupCommand | DescribeInstancePatchStatesCommand;

/** A body as the SDK's HTTP handlers give it: a Node stream (any async iterable of bytes) or bytes. */
type Body = AsyncIterable<Uint8Array | string> | Uint8Array;

const STRING_FIELDS = [
  'InstanceId',
  'PatchGroup',
  'BaselineId',
  'Operation',
  'RebootOption',
  'SnapshotId',
  'InstallOverrideList',
  'OwnerInformation',
] as const;
const COUNT_FIELDS = [
  'InstalledCount',
  'InstalledOtherCount',
  'InstalledPendingRebootCount',
  'InstalledRejectedCount',
  'MissingCount',
  'FailedCount',
  'UnreportedNotApplicableCount',
  'NotApplicableCount',
  'CriticalNonCompliantCount',
  'SecurityNonCompliantCount',
  'OtherNonCompliantCount',
] as const;
/** Texts that most states of a page repeat. */
const SHARED_FIELDS = ['PatchGroup', 'BaselineId', 'Operation', 'RebootOption'] as const;
const TIME_FIELDS = ['OperationStartTime', 'OperationEndTime', 'LastNoRebootInstallOperationTime'] as const;
/** Members the API reference marks required. */
const REQUIRED_FIELDS = [
  'InstanceId',
  'PatchGroup',
  'BaselineId',
  'OperationStartTime',
  'OperationEndTime',
  'Operation',
] as const;

/** Runs inside the SDK's deserialiser: a 2xx body is read here, and the SDK is handed an empty answer. */
const placement: RelativeMiddlewareOptions = {
  name: 'patchbotPatchStatePageReader',
  relation: 'after',
  toMiddleware: 'deserializerMiddleware',
};

/** One page of patch states, read as described above and parsed in a background turn; errors are the SDK's. */
export async function patchStatePage(
  client: SSMClient,
  command: PatchStatesCommand,
  turns: TurnBudget = new TurnBudget(),
): Promise<PatchStatePage> {
  let page: PatchStatePage | undefined;
  const read: DeserializeMiddleware<object, object> = (next) => async (args) => {
    const result = await next(args);
    const response = result.response as { statusCode?: number; body?: unknown };
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300 || response.body === undefined) return result;
    const text = await bodyText(response.body as Body);
    page = await turns.run(() => readPatchStatePage(text));
    // What the SDK still parses: an answer with no states.
    response.body = Buffer.from('{}');
    return result;
  };
  (command.middlewareStack as { addRelativeTo(m: typeof read, o: RelativeMiddlewareOptions): void }).addRelativeTo(
    read,
    placement,
  );
  await (client.send as (c: PatchStatesCommand) => Promise<unknown>).call(client, command);
  if (!page) throw unreadable('no answer was read');
  return page;
}

async function bodyText(body: Body): Promise<string> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** A page's JSON text as the SDK would have typed it; anything not as SSM documents it is `unreadable`. */
export function readPatchStatePage(text: string): PatchStatePage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw unreadable('it is not JSON', err);
  }
  if (!isRecord(json)) throw unreadable('it is not a JSON object');
  const { InstancePatchStates: items, NextToken: nextToken } = json;
  if (items !== undefined && !Array.isArray(items)) throw unreadable('InstancePatchStates is not a list');
  if (nextToken !== undefined && nextToken !== null && typeof nextToken !== 'string')
    throw unreadable('NextToken is not a string');
  // A page's states share their group, baseline and operation: one string each, not one per state kept.
  const shared = new Map<string, string>();
  return { states: (items ?? []).map((item, i) => asPatchState(item, i, shared)), nextToken: nextToken || undefined };
}

/** Checks one item in place and turns its epoch-second timestamps into Dates, as the SDK does; repeated texts become `shared`'s. */
function asPatchState(item: unknown, index: number, shared: Map<string, string>): SdkInstancePatchState {
  if (!isRecord(item)) throw unreadable(`item ${index} is not an object`);
  for (const key of STRING_FIELDS)
    if (item[key] !== undefined && typeof item[key] !== 'string')
      throw unreadable(`${key} of item ${index} is not text`);
  for (const key of SHARED_FIELDS) {
    const v = item[key];
    if (typeof v !== 'string') continue;
    const known = shared.get(v);
    if (known === undefined) shared.set(v, v);
    else item[key] = known;
  }
  for (const key of COUNT_FIELDS) {
    const v = item[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 0))
      throw unreadable(`${key} of item ${index} is not a count`);
  }
  for (const key of TIME_FIELDS) {
    const v = item[key];
    if (v === undefined) continue;
    // awsJson timestamps are epoch seconds, a number with a fraction (the SDK also takes them as numeric text).
    const seconds = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
    if (!Number.isFinite(seconds)) throw unreadable(`${key} of item ${index} is not a time`);
    item[key] = new Date(Math.round(seconds * 1000));
  }
  for (const key of REQUIRED_FIELDS) if (item[key] === undefined) throw unreadable(`item ${index} has no ${key}`);
  return item as unknown as SdkInstancePatchState;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An answer that is not a page of patch states. Its message reaches the user (through the gateway's
 * error mapping), so it says what happened and what to do; the detail stays in `cause`.
 */
function unreadable(detail: string, cause?: unknown): Error {
  return new Error(
    "AWS's answer listing patch states could not be read (it was cut short, or is not the JSON SSM sends); " +
      'nothing was changed, and asking again usually works',
    { cause: new Error(detail, cause === undefined ? {} : { cause }) },
  );
}
