/** Reports, results and configuration, naming people, user groups and channels by id, for the names tests. */
import type { OperationReport } from '../../../src/patching/report-record';
import type { ComplianceDiff, DigestData, WindowResult } from '../../../src/patching/poll/poll-results';
import { PatchbotConfigSchema } from '../../../src/config/schema';
import { HOUR, NOW, approvalState, changeReport, outcome, smallPlan } from './fixtures';

/** A requester and operator. */
export const ALICE = 'U0ALICE001';
/** An approver who rejects. */
export const BOB = 'U0BOB0002';
/** A user group among the operators and approvers. */
export const OPS = 'S0OPS0001';
/** STG's channel, by id. */
export const STG_CHANNEL = 'C0STGPATCH';
const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;

/** STG and PRD, with user groups among operators and approvers. */
export const config = PatchbotConfigSchema.parse({
  groups: {
    STG: { channel: STG_CHANNEL, operators: [ALICE, OPS] },
    PRD: {
      channel: '#prd-patching',
      operators: [ALICE],
      approval: { required: true, approvers: ['U0CAROL03', OPS], minApprovals: 1 },
    },
  },
});

/** Rejected by Bob, with a reason. */
export const rejected = approvalState({
  decisions: [{ userId: BOB, decision: 'rejected', at: new Date(NOW.getTime() - 5 * 60_000), reason: 'freeze week' }],
});
/** Approved by one approver. */
export const approved = approvalState({
  minApprovals: 1,
  decisions: [{ userId: 'U0CAROL03', decision: 'approved', at: new Date(NOW.getTime() - 30 * 60_000) }],
});
/** An approved install, running on four instances. */
export const running = (over: Partial<OperationReport> = {}) =>
  changeReport(smallPlan(), {
    status: 'running',
    approval: approved,
    finished: 3,
    succeeded: 3,
    outcomes: [outcome(1, 'Success'), outcome(2, 'Success'), outcome(3, 'Success'), outcome(4, 'InProgress')],
    ...over,
  });

/** A failed maintenance window run on PRD. */
export const windowResult: WindowResult = {
  scope: 'prod',
  region: 'us-east-1',
  windowId: 'mw-0123456789abcdef0',
  windowName: 'patch-prd',
  executionId: '2b0d6b3f-9a7c-4c1e-8d5e-0c9f6e4a1b2c',
  status: 'FAILED',
  statusDetails: 'One or more tasks failed',
  startTime: new Date(NOW.getTime() - 2 * HOUR),
  endTime: new Date(NOW.getTime() - HOUR),
  durationMs: HOUR,
  tasks: [
    {
      taskExecutionId: 't-1',
      taskArn: 'AWS-RunPatchBaseline',
      operation: 'Install',
      status: 'FAILED',
      statusDetails: 'Failed',
      failed: [
        { instanceId: id(7), name: 'prd-web-1', status: 'Failed', statusDetails: 'Failed' },
        { instanceId: id(8), status: 'TimedOut', statusDetails: 'Delivery Timed Out' },
      ],
    },
  ],
  groups: ['PRD'],
};

/** A compliance change on PRD. */
export const diff: ComplianceDiff = {
  group: 'PRD',
  generatedAt: NOW,
  scopes: [{ scope: 'prod', region: 'us-east-1' }],
  cost: { scopes: 1, instances: 2, patchStates: 2, patchListsFetched: 1, scopesUnchanged: 0 },
  becameNonCompliant: [
    {
      instanceId: id(1),
      name: 'prd-web-1',
      scope: 'prod',
      region: 'us-east-1',
      newlyMissing: [{ title: 'openssl', severity: 'Critical', classification: 'Security' }],
    },
  ],
  becameCompliant: [{ instanceId: id(2), name: 'prd-web-2', scope: 'prod', region: 'us-east-1' }],
  appeared: [],
  disappeared: [],
  becameUnreachable: [],
  lastOperationFailed: [],
  failures: [],
};

/** A digest for STG's channel that names Alice's pending approval. */
export const digest: DigestData = {
  channel: STG_CHANNEL,
  generatedAt: NOW,
  since: new Date(NOW.getTime() - 24 * HOUR),
  failures: [],
  groups: [
    {
      group: 'PRD',
      instances: 10,
      compliant: 9,
      nonCompliant: 1,
      rate: 0.9,
      missingBySeverity: { critical: 1, security: 0, other: 0 },
      changeSinceLast: undefined,
      mostMissed: [{ title: 'openssl', severity: 'Critical', instances: 1 }],
      windowRuns: [{ windowName: 'patch-prd', status: 'SUCCESS', endTime: new Date(NOW.getTime() - HOUR) }],
      pendingApprovals: [
        { operationId: 'op-7k2m9q', kind: 'install', requestedBy: ALICE, expiresAt: new Date(NOW.getTime() + HOUR) },
      ],
      staleScans: 0,
      unreachable: 0,
    },
  ],
};
