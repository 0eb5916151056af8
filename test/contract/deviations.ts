/**
 * Where AWS's own answers depart from its published model, each with the documentation that shows
 * what AWS really sends. The simulator copies AWS, so these are not discrepancies to fix; each
 * entry matches exactly the members and values documented, so anything else still fails. And the
 * model on a Debian machine can be older than the SDK patchbot runs: a member the model lacks but
 * the SDK's own schema has is newer than the model, not wrong.
 */
import * as ec2 from '@aws-sdk/client-ec2';
import * as s3 from '@aws-sdk/client-s3';
import * as ssm from '@aws-sdk/client-ssm';
import * as sts from '@aws-sdk/client-sts';
import type { Discrepancy } from './model';

/** One documented departure of AWS's wire from its model. */
export interface Deviation {
  id: string;
  /** What AWS sends and where that is documented. */
  source: string;
  matches(d: Discrepancy): boolean;
}

const last = (path: string) => path.slice(path.lastIndexOf('.') + 1);

/** The departures the contract accepts, each naming its evidence. */
export const AWS_DEVIATIONS: readonly Deviation[] = [
  {
    id: 'patch-state-wire-spelling',
    source:
      'DescribeInstancePatches answers State as "Installed", "Missing", "InstalledOther"... (AWS CLI reference example of ' +
      "describe-instance-patches; the API reference gives the same spelling as the State filter's values), not the model enum's MISSING",
    matches: (d) =>
      d.operation === 'DescribeInstancePatches' &&
      d.direction === 'response' &&
      d.rule === 'enum' &&
      /^Patches\[\d+\]\.State$/.test(d.path) &&
      /^"(Installed|InstalledOther|InstalledPendingReboot|InstalledRejected|Missing|NotApplicable|Failed)" /.test(
        d.detail,
      ),
  },
  {
    id: 'command-unset-members-empty',
    source:
      'Run Command answers unset output settings as empty strings: "OutputS3BucketName": "", "NotificationType": "", ' +
      '"CloudWatchLogGroupName": "" (AWS CLI reference examples of send-command and list-commands), below the model\'s minimum length or outside its enum',
    matches: (d) =>
      ['SendCommand', 'ListCommands', 'ListCommandInvocations', 'GetCommandInvocation'].includes(d.operation) &&
      d.direction === 'response' &&
      ((d.rule === 'min' &&
        d.detail.startsWith('0 characters') &&
        ['OutputS3BucketName', 'CloudWatchLogGroupName'].includes(last(d.path))) ||
        (d.rule === 'enum' && d.detail.startsWith('"" ') && last(d.path) === 'NotificationType')),
  },
  {
    id: 'invocation-times-iso-text',
    source:
      'GetCommandInvocation answers ExecutionStartDateTime and ExecutionEndDateTime as ISO 8601 text with milliseconds ' +
      '("2020-02-19T18:18:03.419Z") and ExecutionElapsedTime as an ISO 8601 duration ("PT0.091S") (AWS CLI reference example ' +
      'of get-command-invocation; the API reference calls all three ISO 8601), while the model gives all three its StringDateTime ' +
      'pattern, which admits one fraction digit and no duration',
    matches: (d) =>
      d.operation === 'GetCommandInvocation' &&
      d.direction === 'response' &&
      d.rule === 'pattern' &&
      ((['ExecutionStartDateTime', 'ExecutionEndDateTime'].includes(d.path) &&
        /^"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z" /.test(d.detail)) ||
        (d.path === 'ExecutionElapsedTime' && /^"PT\d+(\.\d+)?S" /.test(d.detail))),
  },
  {
    id: 'patch-states-page-size',
    source:
      'The model caps InstancePatchStatesList at 1..5 items, yet the same operation takes MaxResults 10..100 and pages up to it ' +
      '(API reference of DescribeInstancePatchStatesForPatchGroup): a page of MaxResults items, or none, is what AWS sends',
    matches: (d) =>
      d.operation === 'DescribeInstancePatchStatesForPatchGroup' &&
      d.direction === 'response' &&
      d.path === 'InstancePatchStates' &&
      (d.rule === 'max' || d.rule === 'min'),
  },
  {
    id: 'ec2-platform-lowercase',
    source:
      'Instance.platform "is windows for Windows instances; otherwise, it is empty" (the model\'s own documentation of the member), while its enum says Windows',
    matches: (d) =>
      d.service === 'ec2' &&
      d.direction === 'response' &&
      d.rule === 'enum' &&
      last(d.path) === 'Platform' &&
      d.detail.startsWith('"windows" '),
  },
];

/** The deviation a discrepancy is, if any. */
export function deviationOf(d: Discrepancy): Deviation | undefined {
  return AWS_DEVIATIONS.find((x) => x.matches(d));
}

const SDK: Record<string, Record<string, unknown>> = { ssm, ec2, sts, s3 };

/** The schema kind of an operation in the SDK's exported schemas (a structure's is 3). */
const OPERATION_SCHEMA = 9;

/** Whether a member's traits in the SDK's schema bind it to `wire` as a header (any case) or a query parameter. */
function boundTo(traits: unknown, wire: string): boolean {
  if (!Array.isArray(traits) || typeof traits[1] !== 'object' || traits[1] === null) return false;
  const t = traits[1] as { httpHeader?: string; httpQuery?: string };
  return t.httpHeader?.toLowerCase() === wire.toLowerCase() || t.httpQuery === wire;
}

/**
 * Whether an unknown member is known to the SDK patchbot runs: its exported schema of the structure
 * (`InstancePatchState$`: [kind, namespace, name, traits, member names, member schemas]) lists the
 * member, or (restXml, where the name as sent is a header or query parameter) binds one to it; for
 * an operation (`PutObject$`: [9, namespace, name, { http: [method, uri, code] }]) a query parameter
 * written into its URI.
 */
export function newerThanModel(d: Discrepancy): boolean {
  if (d.rule !== 'unknown member' || !d.unknown) return false;
  const schema = SDK[d.service]?.[`${d.unknown.shape}$`];
  if (!Array.isArray(schema)) return false;
  const member = d.unknown.member;
  if (schema[0] === OPERATION_SCHEMA) {
    const uri = (schema[3] as { http?: [string, string, number] } | undefined)?.http?.[1] ?? '';
    return new URLSearchParams(uri.split('?')[1] ?? '').has(member);
  }
  const names = schema[4];
  const traits = schema[5];
  if (!Array.isArray(names)) return false;
  return names.includes(member) || (Array.isArray(traits) && traits.some((t) => boundTo(t, member)));
}
