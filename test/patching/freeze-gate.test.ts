/** The freeze gate and break-glass on a store and a ManualClock, with a gateway whose calendars the test sets. */
import { ManualClock } from '../../src/clock';
import { createPatchbotConfigSchema } from '../../src/config/schema';
import { CalendarError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import type { PatchGateway } from '../../src/patching';
import type { CalendarReading } from '../../src/patching/fleet-types';
import { FREEZE_RECHECK_MS, freezeGate } from '../../src/patching/freeze-gate';
import { confirmOverride } from '../../src/patching/freeze-override';
import { readResult } from '../../src/patching/records';
import { openStore, type Operation, type Store } from '../../src/store';

const NOW = '2026-03-01T00:00:00Z';
const REOPENS = '2026-03-01T06:00:00Z';

type Calendar = CalendarReading['state'] | 'missing' | 'denied' | 'throttled';

/** A gateway of default/us-east-1 whose calendars are `calendars` now; counts its reads. */
function calendarGateway(calendars: Map<string, Calendar>, reads: { n: number }): PatchGateway {
  return {
    scope: 'default',
    region: 'us-east-1',
    async getCalendarState(names: readonly string[]): Promise<CalendarReading> {
      reads.n++;
      const name = names[0]!;
      const c = calendars.get(name) ?? 'missing';
      if (c === 'missing') throw new CalendarError(name, 'missing', 'no such calendar');
      if (c === 'denied')
        throw new CalendarError(name, 'denied', 'denied', { permission: `ssm:GetCalendarState on ${name}` });
      if (c === 'throttled') throw new Error('Rate exceeded');
      return { state: c, atTime: new Date(NOW), ...(c === 'CLOSED' ? { nextTransitionTime: new Date(REOPENS) } : {}) };
    },
  } as unknown as PatchGateway;
}

function config(overrideApprovers: string[] = []) {
  return createPatchbotConfigSchema({ region: 'us-east-1' }).parse({
    aws: { scopes: [{ name: 'default', regions: ['us-east-1'] }] },
    groups: {
      PRD: {
        channel: 'C0PRD',
        operators: ['U0OPS'],
        changeCalendars: ['prd-freeze'],
        ...(overrideApprovers.length > 0 ? { freeze: { overrideApprovers } } : {}),
      },
      STG: { channel: 'C0STG', operators: ['U0OPS'] },
    },
  });
}

interface World {
  clock: ManualClock;
  store: Store;
  calendars: Map<string, Calendar>;
  reads: { n: number };
  deps: Parameters<typeof freezeGate>[0];
  approved(group?: string, ifFrozen?: 'wait' | 'cancel'): Promise<Operation>;
}

async function world(overrideApprovers: string[] = []): Promise<World> {
  const clock = new ManualClock(NOW);
  const logger = silentLogger();
  const store = await openStore({ path: ':memory:', logger, clock });
  const calendars = new Map<string, Calendar>();
  const reads = { n: 0 };
  const deps = {
    store,
    gateways: [calendarGateway(calendars, reads)],
    groups: config(overrideApprovers).groups,
    clock,
    logger,
    log: logger,
  };
  const approved = (group = 'PRD', ifFrozen: 'wait' | 'cancel' = 'wait') =>
    store.operations.create({
      kind: 'install',
      group,
      status: 'approved',
      requestedBy: 'U0ALICE',
      channel: 'C0PRD',
      params: {},
      plan: { ifFrozen },
    });
  return { clock, store, calendars, reads, deps, approved };
}

const fresh = async (w: World, op: Operation) => (await w.store.operations.get(op.id))!;

describe('freezeGate', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });
  afterEach(async () => w.store.close());

  it('sends a group without calendars without asking AWS', async () => {
    expect(await freezeGate(w.deps, await w.approved('STG'))).toBe('send');
    expect(w.reads.n).toBe(0);
  });

  it('sends when every calendar is OPEN', async () => {
    w.calendars.set('prd-freeze', 'OPEN');
    expect(await freezeGate(w.deps, await w.approved())).toBe('send');
    expect(w.reads.n).toBe(1);
  });

  it('holds a change while a calendar is CLOSED, reads again once a minute, and sends once it opens', async () => {
    w.calendars.set('prd-freeze', 'CLOSED');
    const op = await w.approved();
    expect(await freezeGate(w.deps, op)).toBe('wait');
    const held = await fresh(w, op);
    expect(held.status).toBe('approved');
    expect(readResult(held).freeze?.calendars).toEqual([
      expect.objectContaining({ calendar: 'prd-freeze', state: 'CLOSED', until: new Date(REOPENS) }),
    ]);
    w.clock.advance(FREEZE_RECHECK_MS - 1);
    expect(await freezeGate(w.deps, await fresh(w, op))).toBe('wait');
    expect(w.reads.n).toBe(1);
    w.calendars.set('prd-freeze', 'OPEN');
    w.clock.advance(1);
    expect(await freezeGate(w.deps, await fresh(w, op))).toBe('send');
    expect(w.reads.n).toBe(2);
  });

  it('reads again at once when a calendar was announced to open by now', async () => {
    w.calendars.set('prd-freeze', 'CLOSED');
    const op = await w.approved();
    await freezeGate(w.deps, op);
    w.clock.set(REOPENS);
    w.calendars.set('prd-freeze', 'OPEN');
    expect(await freezeGate(w.deps, await fresh(w, op))).toBe('send');
  });

  it.each([
    ['missing', 'missing'],
    ['denied', 'denied'],
    ['throttled', 'error'],
  ] as const)('never counts a %s calendar as open', async (calendar, problem) => {
    w.calendars.set('prd-freeze', calendar);
    const op = await w.approved();
    expect(await freezeGate(w.deps, op)).toBe('wait');
    expect(readResult(await fresh(w, op)).freeze?.calendars[0]).toMatchObject({ state: 'UNREADABLE', problem });
  });

  it('with if-frozen=cancel ends the change unsent: approved → expired, audited', async () => {
    w.calendars.set('prd-freeze', 'CLOSED');
    const op = await w.approved('PRD', 'cancel');
    const out = await freezeGate(w.deps, op);
    expect(out).not.toBe('wait');
    expect(out).not.toBe('send');
    const ended = await fresh(w, op);
    expect(ended.status).toBe('expired');
    expect(readResult(ended).missed?.reason).toBe('frozen');
    const audit = await w.store.audit.list({ operationId: op.id, limit: 10 });
    expect(audit.map((a) => a.action)).toEqual(['operation.expired']);
  });
});

describe('confirmOverride', () => {
  let w: World;
  const anyone = { isAnyOf: async (u: string, p: readonly string[]) => p.includes(u) };
  beforeEach(async () => {
    w = await world(['U0BOB', 'U0CAROL']);
  });
  afterEach(async () => w.store.close());

  async function frozen() {
    w.calendars.set('prd-freeze', 'CLOSED');
    const op = await w.approved();
    await freezeGate(w.deps, op);
    return op;
  }

  it('takes two different override approvers, never the requester, each with a reason; then the gate sends through CLOSED', async () => {
    const op = await frozen();
    const confirm = (userId: string, reason?: string) =>
      confirmOverride(w.deps, { operationId: op.id, userId, ...(reason ? { reason } : {}) }, anyone);
    expect((await confirm('U0ALICE', 'I asked for it myself')).outcome).toBe('refused');
    expect((await confirm('U0MALLORY', 'let me through please')).outcome).toBe('refused');
    expect((await confirm('U0BOB')).outcome).toBe('reason_required');
    expect((await confirm('U0BOB', 'short')).outcome).toBe('reason_required');
    expect((await confirm('U0BOB', 'INC-1: must ship now')).outcome).toBe('recorded');
    expect((await confirm('U0BOB', 'INC-1: must ship now')).outcome).toBe('refused');
    w.clock.advance(FREEZE_RECHECK_MS);
    expect(await freezeGate(w.deps, await fresh(w, op))).toBe('wait');
    expect((await confirm('U0CAROL', 'agreed with the CAB')).outcome).toBe('granted');
    expect(await freezeGate(w.deps, await fresh(w, op))).toBe('send');
    const audit = (await w.store.audit.list({ operationId: op.id, limit: 20 })).map((a) => a.action);
    expect(audit.filter((a) => a === 'operation.freeze_override_recorded')).toHaveLength(2);
    expect(audit.filter((a) => a === 'operation.freeze_overridden')).toHaveLength(1);
    expect((await confirm('U0CAROL', 'once more, to be sure')).outcome).toBe('refused');
  });

  it('does not wave an unreadable calendar through', async () => {
    w.calendars.set('prd-freeze', 'denied');
    const op = await w.approved();
    await freezeGate(w.deps, op);
    const told = await confirmOverride(
      w.deps,
      { operationId: op.id, userId: 'U0BOB', reason: 'please let it go' },
      anyone,
    );
    expect(told.outcome).toBe('refused');
    expect(told.userText.join('')).toMatch(/cannot be read at all/);
  });

  it('is refused, with how to enable it, where no override approvers are configured', async () => {
    const plain = await world();
    try {
      plain.calendars.set('prd-freeze', 'CLOSED');
      const op = await plain.approved();
      await freezeGate(plain.deps, op);
      const told = await confirmOverride(
        plain.deps,
        { operationId: op.id, userId: 'U0BOB', reason: 'x'.repeat(20) },
        anyone,
      );
      expect(told.outcome).toBe('refused');
      expect(told.userText.join('')).toMatch(/freeze.overrideApprovers/);
    } finally {
      await plain.store.close();
    }
  });
});
