import { planJson, readPlan, readResult, resultJson } from '../../src/patching/records';

/** A reboot plan as the first versions with approval wrote it: no failures, baselines or other spelling; nulls for absent evidence. */
const olderPlan = {
  kind: 'reboot',
  group: 'PRD',
  targets: [
    { instanceId: 'i-1', name: 'web-1', scope: 'default', region: 'eu-west-1' },
    { instanceId: 'i-2', scope: 'default', region: 'eu-west-1' },
  ],
  excluded: [{ instanceId: 'i-3', scope: 'default', region: 'eu-west-1', reason: 'stopped (stopped)' }],
  patches: [],
  rebootOption: 'RebootIfNeeded',
  maxConcurrency: '10%',
  maxErrors: '0',
  scan: { newest: '2026-05-01T10:00:00.000Z', oldest: null, maxAgeMs: 86_400_000, stale: true },
  promotion: { fromGroup: 'STG', lastInstall: null, nonCompliantInstances: 0 },
};

/** A final report as a scan of an earlier version stored it: none of the fields added since (sentAt, drift, notReached, ec2State, complianceAfter). */
const olderFinal = {
  operationId: 'op-abc123',
  kind: 'install',
  group: 'PRD',
  status: 'succeeded',
  requestedBy: 'U1',
  startedAt: '2026-05-01T10:00:00.000Z',
  total: 1,
  finished: 1,
  succeeded: 1,
  failed: 0,
  unreachable: [],
  outcomes: [{ instanceId: 'i-1', name: 'web-1', scope: 'default', region: 'eu-west-1', status: 'Success' }],
  missingBySeverity: { critical: 0, security: 0, other: 0 },
  newlyMissing: [],
  failures: [],
  plan: olderPlan,
  approval: {
    required: true,
    minApprovals: 1,
    approvers: ['U2'],
    allowSelfApproval: false,
    decisions: [{ userId: 'U2', decision: 'approved', at: '2026-05-01T09:59:00.000Z' }],
  },
};

describe('stored records written by earlier versions', () => {
  it('reads an older plan: dates revived, nulls absent, failures none', () => {
    const plan = readPlan({ plan: olderPlan });
    expect(plan).toBeDefined();
    expect(plan!.scan.newest).toEqual(new Date('2026-05-01T10:00:00.000Z'));
    expect(plan!.scan.oldest).toBeUndefined();
    expect(plan!.promotion?.lastInstall).toBeUndefined();
    expect(plan!.failures).toEqual([]);
    expect(plan!.baselines).toBeUndefined();
    expect(plan!.targets[1]!.name).toBeUndefined();
  });

  it('writes a plan back as the JSON it was read from (plus the defaulted failures)', () => {
    const again = planJson(readPlan({ plan: olderPlan })!);
    expect(again).toEqual({
      ...olderPlan,
      scan: { newest: olderPlan.scan.newest, maxAgeMs: 86_400_000, stale: true },
      promotion: { fromGroup: 'STG', nonCompliantInstances: 0 },
      failures: [],
    });
  });

  it('reads a plan carrying a field a newer version added, dropping only that field', () => {
    const plan = readPlan({ plan: { ...olderPlan, calendar: { state: 'OPEN' } } });
    expect(plan?.group).toBe('PRD');
    expect(plan).not.toHaveProperty('calendar');
  });

  it('reads an older final report with its plan and approval dates revived', () => {
    const result = readResult({ result: { summary: 'x', failures: [], final: olderFinal } });
    const final = result.final!;
    expect(final).toBeDefined();
    expect(final.startedAt).toEqual(new Date('2026-05-01T10:00:00.000Z'));
    expect(final.finishedAt).toBeUndefined();
    expect(final.sentAt).toBeUndefined();
    expect(final.outcomes[0]!.status).toBe('Success');
    expect(final.plan?.scan.newest).toBeInstanceOf(Date);
    expect(final.approval!.decisions[0]!.at).toEqual(new Date('2026-05-01T09:59:00.000Z'));
    expect(final.approval?.expiresAt).toBeUndefined();
  });

  it('drops an unreadable final report and keeps the rest of the result', () => {
    const result = readResult({ result: { summary: 'kept', failures: [], final: { operationId: 'op-abc123' } } });
    expect(result.final).toBeUndefined();
    expect(result.summary).toBe('kept');
  });

  it('keeps result keys it does not know through a read and write (a newer process may have written them)', () => {
    const written = resultJson({ ...readResult({ result: { failures: [], later: { n: 1 } } }), published: true });
    expect(written).toEqual({ failures: [], later: { n: 1 }, published: true });
  });

  it('reads a result without failures (older records) as none', () => {
    expect(readResult({ result: { summary: 'old' } }).failures).toEqual([]);
    expect(readResult({ result: null })).toEqual({ failures: [] });
  });
});
