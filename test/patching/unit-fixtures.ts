/** A store on a ManualClock, a fake gateway and a tracking context, for the tracker's unit tests. */
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { scanParams, type PatchGateway } from '../../src/patching';
import { PublishSlots } from '../../src/patching/publish-slots';
import { TrackedStates, type TrackingContext } from '../../src/patching/tracking-context';
import type { CommandInvocation, ManagedInstance } from '../../src/aws';
import { openStore, type Operation, type Store } from '../../src/store';
import { FakePublisher, groupOf, testConfig } from './helpers';

/** A gateway of scope default/us-east-1 whose invocations are whatever `invocations` holds now; every other read answers nothing. */
export function fakeGateway(invocations: { current: CommandInvocation[] }, calls: string[] = []): PatchGateway {
  const known: Partial<Record<keyof PatchGateway, unknown>> = {
    scope: 'default',
    region: 'us-east-1',
    sendTimeoutMs: 1000,
    listCommandInvocations: async () => invocations.current,
  };
  return new Proxy(known, {
    get(target, prop: string) {
      if (prop in target) return target[prop as keyof PatchGateway];
      if (prop === 'then') return undefined;
      return async () => {
        calls.push(prop);
        return [];
      };
    },
  }) as PatchGateway;
}

/** A running instance with an Online agent and nothing else known, with `overrides`. */
export function managedInstance(instanceId: string, overrides: Partial<ManagedInstance> = {}): ManagedInstance {
  return {
    instanceId,
    name: undefined,
    pingStatus: 'Online',
    lastPingAt: undefined,
    platformName: undefined,
    platformVersion: undefined,
    agentVersion: undefined,
    ec2State: 'running',
    ...overrides,
  };
}

/** An invocation of cmd-1 on `instanceId` in `status`. */
export function invocation(instanceId: string, status: CommandInvocation['status']): CommandInvocation {
  return {
    commandId: 'cmd-1',
    instanceId,
    instanceName: undefined,
    status,
    statusDetails: undefined,
    requestedAt: undefined,
  };
}

/** What a unit test of the tracker's parts works on. */
export interface UnitWorld {
  clock: ManualClock;
  store: Store;
  publisher: FakePublisher;
  ctx: TrackingContext;
  gateway: PatchGateway;
  invocations: { current: CommandInvocation[] };
  close(): Promise<void>;
}

/** A store and tracking context on a ManualClock, with one fake gateway. */
export async function unitWorld(): Promise<UnitWorld> {
  const clock = new ManualClock('2026-03-01T10:00:00Z');
  const logger = silentLogger();
  const store = await openStore({ path: ':memory:', logger, clock });
  const config = testConfig();
  const invocations = { current: [] as CommandInvocation[] };
  const gateway = fakeGateway(invocations);
  const publisher = new FakePublisher();
  const ctx: TrackingContext = {
    store,
    gateways: [gateway],
    groups: config.groups,
    clock,
    log: logger,
    publisher,
    slots: new PublishSlots(1000, logger),
    states: new TrackedStates(),
  };
  return { clock, store, publisher, ctx, gateway, invocations, close: () => store.close() };
}

/** A scan of PRD, sent: running with command cmd-1 in default/us-east-1. */
export async function runningScan(world: UnitWorld): Promise<Operation> {
  const { store } = world;
  const params = scanParams(groupOf(testConfig(), 'PRD'));
  const created = await store.operations.create({
    kind: 'scan',
    group: 'PRD',
    status: 'approved',
    requestedBy: 'U0OPS',
    channel: 'C0PRD',
    params,
    plan: {},
  });
  await store.operations.transition(created.id, { from: 'approved', to: 'sending' });
  const running = await store.operations.transition(created.id, {
    from: 'sending',
    to: 'running',
    patch: { commands: [{ scope: 'default', region: 'us-east-1', commandId: 'cmd-1' }] },
  });
  if (!running) throw new Error('could not start the scan');
  return running;
}
