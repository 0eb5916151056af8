/**
 * Names, not ids: every view, rendered from fixtures, shows users as `<@U…>`, channels as `<#C…>`
 * and user groups by their handle as plain text; no raw U…/W…/S…/C… id is left in what a reader
 * sees (fallback text, blocks, threads, the reject dialog), and no `<!subteam^…>`, which would
 * notify every member of a group that is only being named.
 */
import type { OperationReport } from '../../../src/patching/report-record';
import type { ComplianceDiff, DigestData, WindowResult } from '../../../src/patching/poll/poll-results';
import { PatchbotConfigSchema } from '../../../src/config/schema';
import { channel, nameList, principal, said, user } from '../../../src/sentence';
import {
  baselineView,
  complianceDiffView,
  decisionNoticeView,
  digestView,
  errorView,
  forbiddenView,
  groupsView,
  helpView,
  historyView,
  noteView,
  operationView,
  rejectModalView,
  scopeHealthView,
  statusView,
  usageView,
  windowResultView,
  windowsView,
} from '../../../src/slack/views';
import {
  HANDLES,
  HOUR,
  NOW,
  approvalState,
  changeReport,
  expectNamesNotIds,
  outcome,
  rawIds,
  smallPlan,
  smallReport,
  smallStatus,
} from './fixtures';

const ALICE = 'U0ALICE001';
const BOB = 'U0BOB0002';
const OPS = 'S0OPS0001';
const STG_CHANNEL = 'C0STGPATCH';
const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;

const config = PatchbotConfigSchema.parse({
  groups: {
    STG: { channel: STG_CHANNEL, operators: [ALICE, OPS] },
    PRD: {
      channel: '#prd-patching',
      operators: [ALICE],
      approval: { required: true, approvers: ['U0CAROL03', OPS], minApprovals: 1 },
    },
  },
});

const rejected = approvalState({
  decisions: [{ userId: BOB, decision: 'rejected', at: new Date(NOW.getTime() - 5 * 60_000), reason: 'freeze week' }],
});
const approved = approvalState({
  minApprovals: 1,
  decisions: [{ userId: 'U0CAROL03', decision: 'approved', at: new Date(NOW.getTime() - 30 * 60_000) }],
});
const running = (over: Partial<OperationReport> = {}) =>
  changeReport(smallPlan(), {
    status: 'running',
    approval: approved,
    finished: 3,
    succeeded: 3,
    outcomes: [outcome(1, 'Success'), outcome(2, 'Success'), outcome(3, 'Success'), outcome(4, 'InProgress')],
    ...over,
  });

const windowResult: WindowResult = {
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

const diff: ComplianceDiff = {
  group: 'PRD',
  generatedAt: NOW,
  scopes: [{ scope: 'prod', region: 'us-east-1' }],
  cost: { scopes: 1, instances: 2, patchStates: 2, patchListsFetched: 1 },
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

const digest: DigestData = {
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

describe('names, not ids, in every view', () => {
  const views: Array<[string, ReturnType<typeof operationView>]> = [
    [
      'approval card, pending',
      operationView(
        changeReport(smallPlan(), {
          approval: approvalState({ decisions: [{ userId: BOB, decision: 'approved', at: NOW }] }),
        }),
        NOW,
        HANDLES,
      ),
    ],
    ['approval card, pending, handles unknown', operationView(changeReport(), NOW)],
    [
      'approval card, rejected',
      operationView(
        changeReport(smallPlan(), { status: 'rejected', approval: rejected, finishedAt: NOW }),
        NOW,
        HANDLES,
      ),
    ],
    [
      'approval card, expired',
      operationView(changeReport(smallPlan(), { status: 'expired', finishedAt: NOW }), NOW, HANDLES),
    ],
    [
      'approval card, cancelled before it ran',
      operationView(changeReport(smallPlan(), { status: 'cancelled', finishedAt: NOW }), NOW, HANDLES),
    ],
    ['install, running', operationView(running(), NOW, HANDLES)],
    [
      'install, finished',
      operationView(
        running({
          status: 'succeeded',
          finished: 4,
          succeeded: 4,
          finishedAt: NOW,
          outcomes: [1, 2, 3, 4].map((n) => outcome(n, 'Success')),
        }),
        NOW,
        HANDLES,
      ),
    ],
    [
      'install, cancelled while running',
      operationView(running({ status: 'cancelled', finishedAt: NOW }), NOW, HANDLES),
    ],
    ['scan, running', operationView(smallReport({ status: 'running', finishedAt: undefined, finished: 5 }), NOW)],
    ['scan, finished', operationView(smallReport(), NOW)],
    [
      'history',
      historyView(
        [
          {
            operationId: 'op-1',
            kind: 'install',
            group: 'PRD',
            status: 'rejected',
            verdict: 'rejected',
            requestedBy: ALICE,
            closedBy: BOB,
            createdAt: NOW,
            finishedAt: NOW,
            summary: 'rejected: freeze week',
          },
          {
            operationId: 'op-2',
            kind: 'scan',
            group: 'STG',
            status: 'cancelled',
            verdict: 'cancelled',
            requestedBy: ALICE,
            closedBy: ALICE,
            createdAt: NOW,
            finishedAt: NOW,
            summary: undefined,
          },
          {
            operationId: 'op-3',
            kind: 'scan',
            group: 'STG',
            status: 'succeeded',
            verdict: 'succeeded',
            requestedBy: ALICE,
            createdAt: NOW,
            finishedAt: NOW,
            summary: '12 of 12 scanned',
          },
        ],
        undefined,
        NOW,
      ),
    ],
    ['digest', digestView(digest, NOW)],
    ['window result', windowResultView(windowResult)],
    ['window result, no group', windowResultView({ ...windowResult, groups: [] })],
    ['compliance diff', complianceDiffView(diff, NOW)],
    [
      'scope health',
      scopeHealthView(
        {
          group: 'PRD',
          started: [{ scope: 'dr', region: 'eu-west-1', message: 'AccessDenied' }],
          recovered: [],
          failing: [{ scope: 'dr', region: 'eu-west-1', message: 'AccessDenied' }],
        },
        NOW,
      ),
    ],
    ['status', statusView(smallStatus())],
    ['groups', groupsView(config.groups)],
    [
      'help',
      helpView(
        [{ name: 'cancel', usage: '/patch cancel <operation>', summary: 'cancel an operation' }],
        ['STG', 'PRD'],
      ),
    ],
    ['baseline', baselineView({ name: 'PRD', operatingSystem: 'AMAZON_LINUX_2' }, [], [])],
    [
      'windows',
      windowsView(
        [
          {
            scope: 'prod',
            region: 'us-east-1',
            window: {
              windowId: 'mw-0123456789abcdef0',
              name: 'patch-prd',
              enabled: true,
              schedule: 'cron(0 4 ? * SUN *)',
            } as never,
            groups: ['PRD'],
          },
        ],
        [],
        NOW,
      ),
    ],
    // The domain's refusals and notes, as sentences that name people and channels by id.
    [
      'cancel refusal',
      forbiddenView(
        said`Only the requester (${user(ALICE)}) or an approver of PRD (${nameList([principal('U0CAROL03'), principal(OPS)])}) may cancel op-7k2m9q.`,
        [ALICE, OPS],
        HANDLES,
      ),
    ],
    [
      'cancel refusal, handles unknown',
      forbiddenView(
        said`Only the requester (${user(ALICE)}) or an approver of PRD (${nameList([principal(OPS)])}) may cancel op-7k2m9q.`,
        [OPS],
      ),
    ],
    [
      'click refusal',
      decisionNoticeView(
        said`The install op-7k2m9q on PRD was rejected by ${user(BOB)} at 2026-03-10 11:55Z (freeze week).`,
        [],
        HANDLES,
      ),
    ],
    [
      'approve refusal',
      decisionNoticeView(
        said`Only the approvers of PRD may approve this change: ${nameList([principal('U0CAROL03'), principal(OPS)])}.`,
        [],
        HANDLES,
      ),
    ],
    [
      'conflict',
      errorView(
        said`Nothing to cancel: The scan op-7k2m9q on STG was cancelled by ${user(ALICE)} at 2026-03-10 11:55Z.`,
        'req-1',
        HANDLES,
      ),
    ],
    [
      'note with a channel',
      noteView(said`Scan of STG started as op-7k2m9q. Progress and the result are posted in ${channel(STG_CHANNEL)}.`),
    ],
    [
      'usage with channels',
      usageView(
        said`No group posts to that channel, so it has no digest. Channels with groups: ${nameList([channel(STG_CHANNEL), channel('#prd-patching')])}.`,
        '/patch digest [#channel]',
      ),
    ],
  ];

  it.each(views)('%s', (_name, m) => expectNamesNotIds(m));

  it('the reject dialog names the requester with a mention in a mrkdwn section', () => {
    const modal = rejectModalView('op-7k2m9q', said`install on PRD, requested by ${user(ALICE)} (op-7k2m9q)`);
    const json = JSON.stringify(modal);
    expect(rawIds(json)).toEqual([]);
    expect(json).toContain(`requested by <@${ALICE}>`);
  });

  it('says what the fixtures mean: mentions, handles and links where ids were', () => {
    const text = (i: number) => JSON.stringify(views[i]?.[1]);
    expect(text(0)).toContain('@ops-leads');
    expect(text(1)).toContain('a user group');
    expect(text(2)).toContain(`Rejected by <@${BOB}>`);
    const refusal = JSON.stringify(views.find(([n]) => n === 'cancel refusal')?.[1]);
    expect(refusal).toContain(
      `Only the requester (<@${ALICE}>) or an approver of PRD (<@U0CAROL03>, @ops-leads) may cancel op-7k2m9q.`,
    );
    expect(JSON.stringify(views.find(([n]) => n === 'note with a channel')?.[1])).toContain(
      `posted in <#${STG_CHANNEL}>.`,
    );
    expect(JSON.stringify(views.find(([n]) => n === 'window result')?.[1])).toContain('prd-web-1');
  });

  it('the check itself catches raw ids and group mentions', () => {
    expect(rawIds(`cancelled by ${ALICE}`)).toEqual([ALICE]);
    expect(rawIds(`posted in ${STG_CHANNEL}`)).toEqual([STG_CHANNEL]);
    expect(rawIds(`<!subteam^${OPS}>`)).toEqual([`<!subteam^${OPS}>`, OPS]);
    expect(rawIds(`<@${ALICE}> in <#${STG_CHANNEL}>: CANCELLED, SUCCESS, ALAS-2026-1001`)).toEqual([]);
  });
});
