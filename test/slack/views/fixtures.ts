/** Domain data for view tests, small and fleet-sized, and the checks every rendered message must pass. */
import { validateBlocks } from '@patchbot/sandbox/slack/blocks-validate';
import { BLOCK_KIT_LIMITS, textOf } from '@patchbot/sandbox/slack';
import { blocksTextLength } from '@patchbot/sandbox/slack/blocks-validate';
import { TRIMMED, MESSAGE_TEXT_BUDGET, FALLBACK_TEXT_MAX } from '../../../src/slack/limits';
import type { SlackMessage } from '../../../src/slack/views/message';
import type { ApprovalState } from '../../../src/patching/approval-types';
import type { ChangePlan } from '../../../src/patching/plan-record';
import type {
  GroupStatus,
  NonCompliantInstance,
  StaleInstance,
  UnreachableInstance,
} from '../../../src/patching/group-reports';
import type { InstanceOutcome, MissingPatchSummary, OperationReport } from '../../../src/patching/report-record';
import type { PlannedPatch } from '../../../src/patching/plan-parts';

/** Everything hostile a tag, a patch title or a user can put in a string. */
export const EVIL = ['<!channel>', '<@U0ALICE001>', '<https://evil.example|click me>', '*bold* _x_ `code`'];
export const EVIL_NAME = EVIL.join(' ');

export const NOW = new Date('2026-03-10T12:00:00Z');
export const HOUR = 3_600_000;

const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;
const line = (n: number, name?: string) => ({
  instanceId: id(n),
  name: name ?? `web-prd-${String(n).padStart(4, '0')}`,
  scope: 'prod',
  region: 'us-east-1',
});

/** A non-compliant instance; the first ones are worst. */
export function nonCompliant(n: number, name?: string): NonCompliantInstance {
  return {
    ...line(n, name),
    missing: 12,
    failed: n % 7 === 0 ? 1 : 0,
    pendingReboot: n % 5 === 0 ? 1 : 0,
    severity: { critical: 3, security: 5, other: 4 },
  };
}

export function unreachable(n: number, name?: string): UnreachableInstance {
  const stopped = n % 2 === 0;
  return {
    ...line(n, name),
    pingStatus: stopped ? 'ConnectionLost' : undefined,
    ec2State: stopped ? 'stopped' : 'running',
    lastPingAt: stopped ? new Date(NOW.getTime() - 50 * HOUR) : undefined,
  };
}

export function stale(n: number, name?: string): StaleInstance {
  return { ...line(n, name), lastScanAt: n % 3 === 0 ? undefined : new Date(NOW.getTime() - 72 * HOUR) };
}

/** The small fleet people read about: 12 instances, 3 non-compliant, 1 stopped, 1 stale scan. */
export function smallStatus(overrides: Partial<GroupStatus> = {}): GroupStatus {
  return {
    group: 'PRD',
    generatedAt: NOW,
    scopes: [{ scope: 'prod', region: 'us-east-1', instances: 12 }],
    failures: [],
    counts: {
      instances: 12,
      compliant: 8,
      nonCompliant: 3,
      pendingReboot: 1,
      failed: 0,
      unreachable: 1,
      stopped: 1,
      neverScanned: 0,
    },
    missingBySeverity: { critical: 2, security: 3, other: 1 },
    nonCompliant: [
      nonCompliant(1, 'web-prd-01'),
      nonCompliant(2, 'web-prd-02'),
      { ...nonCompliant(3, 'db-prd-01'), severity: { critical: 0, security: 0, other: 2 }, missing: 2 },
    ],
    unreachable: [{ ...unreachable(4, 'batch-prd-01'), ec2State: 'stopped' }],
    stale: [{ ...stale(5, 'web-prd-05'), lastScanAt: new Date(NOW.getTime() - 30 * HOUR) }],
    scanAge: {
      oldest: new Date(NOW.getTime() - 30 * HOUR),
      newest: new Date(NOW.getTime() - 2 * HOUR - 5 * 60_000),
      maxAgeMs: 24 * HOUR,
    },
    ...overrides,
  };
}

/** 10,000 instances, all non-compliant, 3,000 unreachable, 2,000 stale, two scopes, one failed. */
export function hugeStatus(n = 10_000): GroupStatus {
  const all = Array.from({ length: n }, (_, i) => nonCompliant(i + 1, i === 0 ? EVIL_NAME : undefined));
  return {
    group: 'PRD',
    generatedAt: NOW,
    scopes: [
      { scope: 'prod', region: 'us-east-1', instances: n / 2 },
      { scope: 'prod', region: 'eu-west-1', instances: n / 2 },
    ],
    failures: [
      {
        scope: 'dr',
        region: 'ap-south-1',
        message: `AccessDenied: grant ssm:DescribeInstancePatchStates to arn:aws:iam::123456789012:role/patchbot ${EVIL_NAME}`,
      },
    ],
    counts: {
      instances: n,
      compliant: 0,
      nonCompliant: n,
      pendingReboot: Math.floor(n / 5),
      failed: Math.floor(n / 7),
      unreachable: 3_000,
      stopped: 1_500,
      neverScanned: 100,
    },
    missingBySeverity: { critical: n, security: n, other: n },
    nonCompliant: all.map((x, i) => (i % 2 === 0 ? x : { ...x, region: 'eu-west-1' })),
    unreachable: Array.from({ length: 3_000 }, (_, i) => unreachable(i + 1, i === 0 ? EVIL_NAME : undefined)),
    stale: Array.from({ length: 2_000 }, (_, i) => stale(i + 1)),
    scanAge: { oldest: undefined, newest: new Date(NOW.getTime() - HOUR), maxAgeMs: 24 * HOUR },
  };
}

export function outcome(
  n: number,
  status: InstanceOutcome['status'],
  statusDetails?: string,
  name?: string,
): InstanceOutcome {
  return {
    ...line(n, name),
    status,
    statusDetails: statusDetails ?? status,
    missing: status === 'Success' ? n % 4 : undefined,
    pendingReboot: 0,
  };
}

export function patch(n: number, severity: string, instances: number, title?: string): MissingPatchSummary {
  return {
    title: title ?? `2026-03 Security update for kernel-${n} (ALAS-2026-${1000 + n})`,
    kbId: `ALAS-2026-${1000 + n}`,
    severity,
    classification: 'Security',
    instances: Array.from({ length: instances }, (_, i) => line(i + 1)),
  };
}

/** A finished scan of 12 instances: 9 succeeded, 1 failed, 2 unreachable, 2 patches newly missing (status as the domain would set it: unreachable alone do not fail it). */
export function smallReport(overrides: Partial<OperationReport> = {}): OperationReport {
  const unreachableOnes = [
    outcome(11, 'Failed', 'Undeliverable', 'batch-prd-01'),
    outcome(12, 'TimedOut', 'Delivery Timed Out', 'batch-prd-02'),
  ];
  return {
    operationId: 'op-7f3a',
    kind: 'scan',
    group: 'PRD',
    status: 'succeeded',
    requestedBy: 'U0ALICE001',
    startedAt: new Date(NOW.getTime() - 4 * 60_000 - 12_000),
    finishedAt: NOW,
    total: 12,
    finished: 12,
    succeeded: 9,
    // As the domain counts: failed are reachable failures; the unreachable are counted apart.
    failed: 1,
    unreachable: unreachableOnes,
    outcomes: [
      ...Array.from({ length: 9 }, (_, i) => outcome(i + 1, 'Success', undefined, `web-prd-0${i + 1}`)),
      outcome(10, 'Failed', 'Failed', 'db-prd-01'),
      ...unreachableOnes,
    ],
    missingBySeverity: { critical: 2, security: 3, other: 1 },
    newlyMissing: [patch(1, 'Important', 3), patch(2, 'Critical', 2, 'openssl: CVE-2026-0001')],
    failures: [],
    ...overrides,
  };
}

/** A finished scan of 10,000 instances: all non-compliant, 3,000 unreachable, 500 newly missing patches. */
export function hugeReport(n = 10_000): OperationReport {
  const unreachableOnes = Array.from({ length: 3_000 }, (_, i) =>
    outcome(i + 1, 'Failed', 'Undeliverable', i === 0 ? EVIL_NAME : undefined),
  );
  const outcomes = [
    ...unreachableOnes,
    ...Array.from({ length: 500 }, (_, i) => outcome(3_001 + i, 'Failed', `Failed ${EVIL[i % EVIL.length]}`)),
    ...Array.from({ length: n - 3_500 }, (_, i) => outcome(3_501 + i, 'Success')),
  ];
  return {
    ...smallReport(),
    total: n,
    finished: n,
    succeeded: n - 3_500,
    failed: 500,
    status: 'failed',
    unreachable: unreachableOnes,
    outcomes,
    missingBySeverity: { critical: n - 3_000, security: n - 3_000, other: n - 3_000 },
    newlyMissing: Array.from({ length: 500 }, (_, i) =>
      patch(
        i,
        ['Critical', 'Important', 'Medium', 'Low'][i % 4] as string,
        1 + (i % 40),
        i === 0 ? EVIL_NAME : undefined,
      ),
    ),
    failures: [{ scope: 'dr', region: 'ap-south-1', message: 'Throttled by SSM; try again in a minute.' }],
  };
}

/** What Slack would show as text: the fallback and every text string in the blocks. */
export function readable(m: SlackMessage): string {
  return textOf(m);
}

/** Sizes worth reporting for a message and its thread. */
export function measure(m: SlackMessage): {
  blocks: number;
  chars: number;
  longestSection: number;
  thread: number;
  threadMaxChars: number;
  threadMaxBlocks: number;
} {
  const sections = (m.blocks as Array<{ type: string; text?: { text: string } }>)
    .filter((b) => b.type === 'section' && b.text)
    .map((b) => b.text?.text.length ?? 0);
  const thread = m.thread ?? [];
  return {
    blocks: m.blocks.length,
    chars: blocksTextLength(m.blocks as never),
    longestSection: Math.max(0, ...sections),
    thread: thread.length,
    threadMaxChars: Math.max(0, ...thread.map((t) => blocksTextLength(t.blocks as never))),
    threadMaxBlocks: Math.max(0, ...thread.map((t) => t.blocks.length)),
  };
}

/**
 * The checks every view passes, on the message and on each thread reply: the stand-in's Block Kit
 * validator, each documented limit spelled out, our text budget (well under Slack's ~13,000), a
 * short non-empty fallback, no trimming by the last line of defense, and nothing unescaped.
 */
export function expectWithinLimits(m: SlackMessage, where = 'message'): void {
  const verdict = validateBlocks(m.blocks);
  if (!verdict.ok) throw new Error(`${where}: ${verdict.issues.map((i) => `${i.pointer} ${i.message}`).join('; ')}`);
  const L = BLOCK_KIT_LIMITS;
  expect(m.blocks.length).toBeLessThanOrEqual(L.messageBlocks);
  // biome-ignore lint/suspicious/noExplicitAny: walks raw Block Kit JSON of every block type by its wire keys
  for (const b of m.blocks as Array<Record<string, any>>) {
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(L.headerText);
    if (b.type === 'section') {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(L.sectionText);
      if (b.fields) {
        expect(b.fields.length).toBeLessThanOrEqual(L.sectionFields);
        for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(L.fieldText);
      }
    }
    if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(L.contextElements);
  }
  expect(blocksTextLength(m.blocks as never)).toBeLessThanOrEqual(MESSAGE_TEXT_BUDGET);
  expect(m.text.length).toBeGreaterThan(0);
  expect(m.text.length).toBeLessThanOrEqual(FALLBACK_TEXT_MAX);
  const json = JSON.stringify(m);
  expect(json).not.toContain(TRIMMED);
  expect(json).not.toContain('<!channel>');
  expect(json).not.toContain('<http');
  expect(json).not.toContain('<!here>');
  (m.thread ?? []).forEach((t, i) => {
    expect(t.thread).toBeUndefined();
    expectWithinLimits(t, `${where} thread ${i}`);
  });
}

/** A patch an install will apply. */
export function planned(n: number, severity: string, instances: number, title?: string): PlannedPatch {
  return {
    title: title ?? `2026-03 Security update for kernel-${n} (ALAS-2026-${1000 + n})`,
    kbId: `ALAS-2026-${1000 + n}`,
    severity,
    classification: n % 3 === 0 ? 'Bugfix' : 'Security',
    instances,
  };
}

/** An install on 8 PRD instances (2 excluded), 12 patches, a scan 2h old, STG compliant. */
export function smallPlan(overrides: Partial<ChangePlan> = {}): ChangePlan {
  return {
    kind: 'install',
    group: 'PRD',
    targets: Array.from({ length: 8 }, (_, i) => line(i + 1, `web-prd-0${i + 1}`)),
    excluded: [
      { ...line(9, 'batch-prd-01'), reason: 'stopped' },
      { ...line(10, 'db-prd-01'), reason: 'SSM agent ConnectionLost' },
    ],
    patches: [
      planned(1, 'Important', 8),
      planned(2, 'Critical', 3, 'openssl: CVE-2026-0001'),
      ...Array.from({ length: 10 }, (_, i) => planned(3 + i, 'Medium', 1 + i)),
    ],
    rebootOption: 'NoReboot',
    maxConcurrency: '10%',
    maxErrors: '1',
    scan: {
      newest: new Date(NOW.getTime() - 2 * HOUR),
      oldest: new Date(NOW.getTime() - 3 * HOUR),
      maxAgeMs: 24 * HOUR,
      stale: false,
    },
    promotion: {
      fromGroup: 'STG',
      lastInstall: {
        operationId: 'op-stg0001',
        status: 'succeeded',
        finishedAt: new Date(NOW.getTime() - 5 * 24 * HOUR),
      },
      compliantNow: true,
      nonCompliantInstances: 0,
      warning: undefined,
    },
    failures: [],
    ...overrides,
  };
}

/** PRD's policy: two approvals from Carol, Dave or the ops group; not the requester; 4 hours. */
export function approvalState(overrides: Partial<ApprovalState> = {}): ApprovalState {
  return {
    required: true,
    minApprovals: 2,
    approvers: ['U0CAROL03', 'U0DAVE004', 'S0OPS0001'],
    allowSelfApproval: false,
    expiresAt: new Date(NOW.getTime() + 4 * HOUR),
    decisions: [],
    ...overrides,
  };
}

/** A change report: pending with its plan, requested by Alice a minute before NOW. */
export function changeReport(
  plan: ChangePlan = smallPlan(),
  overrides: Partial<OperationReport> = {},
): OperationReport {
  return {
    operationId: 'op-7k2m9q',
    kind: plan.kind,
    group: plan.group,
    status: 'pending',
    requestedBy: 'U0ALICE001',
    startedAt: new Date(NOW.getTime() - 60_000),
    finishedAt: undefined,
    total: plan.targets.length,
    finished: 0,
    succeeded: 0,
    failed: 0,
    unreachable: [],
    outcomes: [],
    missingBySeverity: undefined,
    newlyMissing: [],
    failures: [],
    plan,
    approval: approvalState(),
    ...overrides,
  };
}

/** An install on 10,000 instances (500 excluded), 800 distinct patches, from two regions, hostile strings first. */
export function hugePlan(n = 10_000): ChangePlan {
  const severities = ['Low', 'Medium', 'Important', 'Critical'];
  return {
    ...smallPlan(),
    targets: Array.from({ length: n }, (_, i) => ({
      ...line(i + 1, i === 0 ? EVIL_NAME : undefined),
      region: i % 2 === 0 ? 'us-east-1' : 'eu-west-1',
    })),
    excluded: Array.from({ length: 500 }, (_, i) => ({
      ...line(n + i + 1, i === 0 ? EVIL_NAME : undefined),
      reason: i === 0 ? EVIL_NAME : 'stopped',
    })),
    patches: Array.from({ length: 800 }, (_, i) =>
      planned(i, severities[i % 4] as string, 1 + ((i * 37) % n), i === 3 ? EVIL_NAME : undefined),
    ),
    promotion: {
      fromGroup: 'STG',
      lastInstall: { operationId: 'op-stg0001', status: 'failed', finishedAt: new Date(NOW.getTime() - 2 * 24 * HOUR) },
      compliantNow: false,
      nonCompliantInstances: 1_234,
      warning: `STG is not compliant ${EVIL_NAME}`,
    },
    failures: [{ scope: 'dr', region: 'ap-south-1', message: `AccessDenied ${EVIL_NAME}` }],
    scan: { newest: new Date(NOW.getTime() - 3 * 24 * HOUR), oldest: undefined, maxAgeMs: 24 * HOUR, stale: true },
  };
}

/** The handle the Slack layer resolved for the fixtures' approver user group (`S0OPS0001`). */
export const HANDLES: ReadonlyMap<string, string> = new Map([['S0OPS0001', 'ops-leads']]);

/** A Slack user, user group or conversation id (they always carry a digit; "CANCELLED" is not one). */
const SLACK_ID = /\b(?=[A-Z0-9]*\d)[UWSCGD][A-Z0-9]{6,}\b/g;
/** How Slack renders a user or a channel, which is how people and channels must appear. */
const RENDERED = /<@[UW][A-Z0-9]+>|<#C[A-Z0-9]+(?:\|[^>]*)?>/g;

/**
 * The raw Slack ids a reader would see in `text` (mrkdwn or a JSON string of a message or modal):
 * ids outside `<@U…>` and `<#C…>`, and every `<!subteam^…>`, which notifies a whole user group.
 */
export function rawIds(text: string): string[] {
  const subteams = text.match(/<!subteam\^[^>]*>/g) ?? [];
  return [...subteams, ...(text.replace(RENDERED, '').match(SLACK_ID) ?? [])];
}

/** A message (and its thread) names people and channels as Slack renders them, never by raw id. */
export function expectNamesNotIds(m: SlackMessage, where = 'message'): void {
  expect({ where, raw: rawIds(readable(m)) }).toEqual({ where, raw: [] });
  (m.thread ?? []).forEach((t, i) => {
    expectNamesNotIds(t, `${where} thread ${i}`);
  });
}
