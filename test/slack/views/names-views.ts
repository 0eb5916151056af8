/** Every view patchbot renders, from fixtures that name people, user groups and channels by id. */
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
  scopeHealthView,
  statusView,
  usageView,
  windowResultView,
  windowsView,
} from '../../../src/slack/views';
import { HANDLES, NOW, approvalState, changeReport, outcome, smallPlan, smallReport, smallStatus } from './fixtures';
import { ALICE, BOB, OPS, STG_CHANNEL, config, rejected, running, windowResult, diff, digest } from './names-fixtures';

/** Every view, rendered from the fixtures, with its name. */
export const views: Array<[string, ReturnType<typeof operationView>]> = [
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
    operationView(changeReport(smallPlan(), { status: 'rejected', approval: rejected, finishedAt: NOW }), NOW, HANDLES),
  ],
  [
    'approval card, expired',
    operationView(changeReport(smallPlan(), { status: 'expired', finishedAt: NOW }), NOW, HANDLES),
  ],
  [
    'approval card, cancelled before it ran',
    operationView(changeReport(smallPlan(), { status: 'cancelled', finishedAt: NOW }), NOW, HANDLES),
  ],
  [
    'approval card, pending, an approval with its reason',
    operationView(
      changeReport(smallPlan(), {
        approval: approvalState({
          requireReason: true,
          decisions: [{ userId: BOB, decision: 'approved', at: NOW, reason: 'CHG-1234: openssl' }],
        }),
      }),
      NOW,
      HANDLES,
    ),
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
  ['install, cancelled while running', operationView(running({ status: 'cancelled', finishedAt: NOW }), NOW, HANDLES)],
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
    helpView([{ name: 'cancel', usage: '/patch cancel <operation>', summary: 'cancel an operation' }], ['STG', 'PRD']),
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
