/** instance-detail.ts: who may see which instance, failing scopes beside the others, and an operation's outcome on one instance. */
import { ManualClock } from '../../src/clock';
import { PatchbotError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import type { FoundInstance, InstanceQuery } from '../../src/patching/fleet-types';
import { describeInstance, outcomeOn } from '../../src/patching/instance-detail';
import type { PatchGateway } from '../../src/patching/ports';
import { openStore, type Operation, type Store } from '../../src/store';
import { groupOf, testConfig } from './helpers';
import { planJson } from '../../src/patching/plan-record';
import { smallPlan } from '../slack/views/fixtures';

const config = testConfig([
  { name: 'a', regions: ['us-east-1'] },
  { name: 'b', regions: ['eu-west-1'] },
]);
const STG = groupOf(config, 'STG');
const PRD = groupOf(config, 'PRD');

function found(id: string, name: string, tags: Record<string, string>): FoundInstance {
  return {
    instanceId: id,
    name,
    pingStatus: 'Online',
    lastPingAt: undefined,
    platformName: 'Amazon Linux',
    platformVersion: '2',
    agentVersion: '3.3',
    ec2State: 'running',
    tags: { Name: name, ...tags },
  };
}

/** A gateway that finds `instances` (or fails with `fail`), and answers every other read with nothing. */
function gateway(scope: string, region: string, instances: FoundInstance[], fail?: Error): PatchGateway {
  const known: Record<string, unknown> = {
    scope,
    region,
    findInstances: async (_q: InstanceQuery) => {
      if (fail) throw fail;
      return instances;
    },
    getPatchStates: async () => [],
    listInstancePatches: async () => new Map(),
  };
  return new Proxy(known, {
    get: (t, p: string) => (p in t ? t[p] : p === 'then' ? undefined : async () => []),
  }) as unknown as PatchGateway;
}

describe('describeInstance', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({
      path: ':memory:',
      logger: silentLogger(),
      clock: new ManualClock('2026-03-01T10:00:00Z'),
    });
  });
  afterAll(() => store.close());
  const deps = (gateways: PatchGateway[]) => ({ store, gateways, logger: silentLogger() });

  it('leaves out an instance of a group the requester does not operate, as if absent', async () => {
    const gws = [gateway('a', 'us-east-1', [found('i-00000001', 'web', { 'Patch Group': 'PRD' })])];
    const asStg = await describeInstance(deps(gws), { name: 'web' }, [STG]);
    expect(asStg).toMatchObject({ kind: 'none', groups: ['STG'] });
    const asPrd = await describeInstance(deps(gws), { name: 'web' }, [STG, PRD]);
    expect(asPrd).toMatchObject({ kind: 'one', instance: { instanceId: 'i-00000001', group: 'PRD', scope: 'a' } });
  });

  it('counts the other tag spelling as the group (SSM does), and ignores untagged instances', async () => {
    const gws = [
      gateway('a', 'us-east-1', [
        found('i-00000002', 'db', { PatchGroup: 'PRD' }),
        found('i-00000003', 'db', { Team: 'x' }),
      ]),
    ];
    const r = await describeInstance(deps(gws), { name: 'db' }, [PRD]);
    expect(r).toMatchObject({ kind: 'one', instance: { instanceId: 'i-00000002', group: 'PRD' } });
  });

  it('a failing scope is reported beside what the other scope found; two matches are listed', async () => {
    const denied = new PatchbotError('INTERNAL', 'denied', {
      userMessage: 'Access denied: grant ec2:DescribeInstances',
    });
    const one = await describeInstance(
      deps([
        gateway('a', 'us-east-1', [found('i-00000004', 'app', { 'Patch Group': 'STG' })]),
        gateway('b', 'eu-west-1', [], denied),
      ]),
      { name: 'app' },
      [STG],
    );
    expect(one.kind).toBe('one');
    expect(one.failures).toEqual([
      { scope: 'b', region: 'eu-west-1', message: expect.stringContaining('ec2:DescribeInstances') },
    ]);
    const many = await describeInstance(
      deps([
        gateway('a', 'us-east-1', [found('i-00000004', 'app', { 'Patch Group': 'STG' })]),
        gateway('b', 'eu-west-1', [found('i-00000005', 'app', { 'Patch Group': 'STG' })]),
      ]),
      { name: 'app' },
      [STG],
    );
    expect(many).toMatchObject({
      kind: 'many',
      matches: [
        { instanceId: 'i-00000004', scope: 'a', region: 'us-east-1' },
        { instanceId: 'i-00000005', scope: 'b', region: 'eu-west-1' },
      ],
    });
  });

  it('asks no scope its requester has no group in', async () => {
    const asked: string[] = [];
    const spy = (scope: string) => {
      const gw = gateway(scope, 'us-east-1', []);
      return new Proxy(gw, {
        get: (t, p: string) =>
          p === 'findInstances'
            ? async () => {
                asked.push(scope);
                return [];
              }
            : (t as unknown as Record<string, unknown>)[p],
      });
    };
    const onlyA = { ...STG, scopes: ['a'] };
    await describeInstance(deps([spy('a'), spy('b')]), { instanceId: 'i-00000006' }, [onlyA]);
    expect(asked).toEqual(['a']);
  });
});

describe('outcomeOn', () => {
  const line = (id: string) => ({ instanceId: id, scope: 'a', region: 'us-east-1' });
  function op(plan: unknown, result: unknown, status: Operation['status'] = 'failed'): Operation {
    return {
      id: 'op-aaaaaa',
      kind: 'install',
      group: 'PRD',
      status,
      requestedBy: 'U0ALICE001',
      channel: 'C0PRD',
      messageTs: null,
      params: {},
      plan,
      commands: [{ scope: 'a', region: 'us-east-1', commandId: 'cmd-1' }],
      result,
      error: null,
      createdAt: new Date('2026-03-01T09:00:00Z'),
      updatedAt: new Date('2026-03-01T09:30:00Z'),
      expiresAt: null,
      finishedAt: new Date('2026-03-01T09:30:00Z'),
      version: 3,
    };
  }
  const plan = planJson(
    smallPlan({ targets: [line('i-1'), line('i-2')], excluded: [{ ...line('i-3'), reason: 'stopped' }] }),
  );

  it('names a failed target, a plain target, an excluded one, and not an instance the record does not name', () => {
    const result = {
      failures: [],
      failureDetail: {
        state: 'due',
        attempts: 0,
        instances: [{ ...line('i-1'), commandId: 'cmd-1', status: 'Failed', responseCode: 2 }],
        more: [],
      },
    };
    const o = op(plan, result);
    expect(outcomeOn(o, 'i-1')).toEqual({ kind: 'failed', status: 'Failed', responseCode: 2 });
    expect(outcomeOn(o, 'i-2')).toEqual({ kind: 'target' });
    expect(outcomeOn(o, 'i-3')).toEqual({ kind: 'excluded', reason: 'stopped' });
    expect(outcomeOn(o, 'i-9')).toBeUndefined();
  });

  it('reads a target offline at the send, and a rebooted one', () => {
    const drift = { checkedAt: '2026-03-01T09:10:00Z', blocking: [], offline: [line('i-2')], notIncluded: [] };
    expect(outcomeOn(op(plan, { failures: [], drift }), 'i-2')).toEqual({ kind: 'offline' });
    const reboot = {
      requestedAt: '2026-03-01T09:10:00Z',
      rebooted: [{ scope: 'a', region: 'us-east-1', instanceIds: ['i-1'] }],
    };
    expect(outcomeOn(op(plan, { failures: [], reboot }, 'succeeded'), 'i-1')).toEqual({ kind: 'rebooted' });
  });

  it('a hand-written or unreadable record names nothing rather than throwing', () => {
    expect(outcomeOn(op('nonsense', 42), 'i-1')).toBeUndefined();
  });
});
