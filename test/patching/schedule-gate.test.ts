/**
 * The gate before a scheduled change's send, on a ManualClock and a store: wait before the start,
 * send in the window, missed past its latest send time or when the window was disabled or deleted,
 * and wait (not missed) when the window cannot be read; a cancel and a miss racing resolve to one.
 */
import { ManualClock } from '../../src/clock';
import { AwsError, ConflictError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { readResult } from '../../src/patching';
import type { MaintenanceWindowDetail } from '../../src/patching/fleet-types';
import type { PatchGateway } from '../../src/patching/ports';
import { missSchedule, scheduleGate } from '../../src/patching/missed';
import { type Schedule, sendGate, windowLatest } from '../../src/patching/schedule';
import { openStore, type Store } from '../../src/store';

const START = new Date('2026-03-01T03:00:00Z');
const schedule: Schedule = {
  source: 'window',
  startsAt: START,
  latestAt: windowLatest(START, 3, 1),
  timeZone: 'Europe/Berlin',
  window: {
    windowId: 'mw-0123456789abcdef0',
    name: 'patch-prd',
    scope: 'default',
    region: 'us-east-1',
    durationHours: 3,
    cutoffHours: 1,
  },
};

/** A gateway whose GetMaintenanceWindow answers `answer` (or throws it). */
function windowGateway(answer: () => Partial<MaintenanceWindowDetail>): PatchGateway {
  return {
    scope: 'default',
    region: 'us-east-1',
    getMaintenanceWindow: async () => answer() as MaintenanceWindowDetail,
  } as unknown as PatchGateway;
}

describe('sendGate and windowLatest', () => {
  it('waits before the start, is due until start + Duration − Cutoff, and late from then on', () => {
    expect(schedule.latestAt.toISOString()).toBe('2026-03-01T05:00:00.000Z');
    expect(sendGate(schedule, new Date(START.getTime() - 1))).toBe('wait');
    expect(sendGate(schedule, START)).toBe('due');
    expect(sendGate(schedule, new Date(schedule.latestAt.getTime() - 1))).toBe('due');
    expect(sendGate(schedule, schedule.latestAt)).toBe('late');
    expect(sendGate(undefined, START)).toBe('due');
  });
});

describe('scheduleGate on a store', () => {
  let clock: ManualClock;
  let store: Store;
  beforeEach(async () => {
    clock = new ManualClock('2026-03-01T00:00:00Z');
    store = await openStore({ path: ':memory:', logger: silentLogger(), clock });
  });
  afterEach(async () => await store.close());

  const approved = () =>
    store.operations.create({
      kind: 'install',
      group: 'PRD',
      status: 'approved',
      requestedBy: 'U0OPS',
      channel: 'C0PRD',
      params: {},
      plan: { schedule: JSON.parse(JSON.stringify(schedule)) },
    });
  const deps = (gateway: PatchGateway) => ({ store, clock, gateways: [gateway], log: silentLogger() });
  const open = windowGateway(() => ({ enabled: true }));

  it('waits before the window, sends once it opens, and misses it as late past the cutoff', async () => {
    const op = await approved();
    expect(await scheduleGate(deps(open), op)).toBe('wait');
    clock.set(START);
    expect(await scheduleGate(deps(open), op)).toBe('send');
    clock.set(schedule.latestAt);
    const missed = await scheduleGate(deps(open), op);
    expect(missed).toMatchObject({ id: op.id, status: 'expired' });
    expect(readResult(missed as never)).toMatchObject({ published: false, missed: { reason: 'late' } });
    const audit = await store.audit.list({ operationId: op.id, limit: 5 });
    expect(audit[0]).toMatchObject({ action: 'operation.expired', detail: { missed: 'late' } });
  });

  it.each([
    ['disabled', () => ({ enabled: false })],
    [
      'gone',
      () => {
        throw new AwsError('AWS_NOT_FOUND', 'no such window', {
          operation: 'GetMaintenanceWindow',
          service: 'ssm',
          scope: 'default',
          region: 'us-east-1',
        });
      },
    ],
  ] as const)('misses a window found %s when it opens, with nothing sent', async (reason, answer) => {
    const op = await approved();
    clock.set(START);
    const missed = await scheduleGate(deps(windowGateway(answer)), op);
    expect(readResult(missed as never).missed?.reason).toBe(reason);
  });

  it('waits when the window cannot be read, and is late (not sent) once the cutoff passes', async () => {
    const op = await approved();
    clock.set(START);
    const flaky = windowGateway(() => {
      throw new AwsError('AWS_THROTTLED', 'slow down', {
        operation: 'GetMaintenanceWindow',
        service: 'ssm',
        scope: 'default',
        region: 'us-east-1',
      });
    });
    expect(await scheduleGate(deps(flaky), op)).toBe('wait');
    expect((await store.operations.get(op.id))?.status).toBe('approved');
    clock.set(schedule.latestAt);
    expect(readResult((await scheduleGate(deps(flaky), op)) as never).missed?.reason).toBe('late');
  });

  it('a cancel that came first wins: the miss changes nothing', async () => {
    const op = await approved();
    await store.operations.transition(op.id, { from: 'approved', to: 'cancelled' });
    clock.set(schedule.latestAt);
    const after = await missSchedule(deps(open), op, 'late');
    expect(after.status).toBe('cancelled');
    expect(readResult(after).missed).toBeUndefined();
    // And once missed, it cannot be claimed for a send.
    const other = await approved();
    await missSchedule(deps(open), other, 'late');
    expect(await store.operations.transition(other.id, { from: 'approved', to: 'sending' })).toBeUndefined();
    await expect(store.operations.transition(other.id, { from: 'expired', to: 'sending' })).rejects.toThrow(
      ConflictError,
    );
  });
});
