/**
 * `/patch audit [group] [since]` through dispatch on a real store: who may export, the period, the
 * rows and columns of the CSV read back, pages past the first, and the cap on an absurd period.
 */
import { dispatch } from '../../commands/dispatch';
import { parseSince } from '../../commands/audit';
import type { CommandContext, CommandServices, Reply } from '../../commands/command';
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { exportAudit, type AuditExportRequest } from '../../src/patching/audit-export';
import { planJson } from '../../src/patching/plan-record';
import { plainSentence } from '../../src/sentence';
import { NO_NAMES } from '../../src/slack/directory';
import { openStore, type Store } from '../../src/store';
import { demoConfig } from '../support/bot';
import { csvRecords } from '../support/csv';
import { smallPlan } from '../slack/views/fixtures';

const ALICE = 'U0ALICE001'; // PRD and WIN operator
const BOB = 'U0BOB00001'; // PRD approver and operator, WIN operator
const CAROL = 'U0CAROL001'; // in @patch-leads: PRD approver only
const MALLORY = 'U0MALLORY1';
const LEADS = 'S0LEADS001';

let store: Store;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock('2026-11-20T09:00:00.000Z');
  store = await openStore({ path: ':memory:', logger: silentLogger(), clock });
});
afterEach(async () => store.close());

function context(userId: string, limits?: AuditExportRequest['limits']): CommandContext {
  return {
    userId,
    channelId: 'C0PRDPATCH',
    config: demoConfig(),
    names: NO_NAMES,
    services: {
      now: () => clock.now(),
      auditExport: (input) => exportAudit({ store, clock }, { ...input, ...(limits ? { limits } : {}) }),
    } as Partial<CommandServices> as CommandServices,
    authorizer: {
      isAnyOf: async (user, principals) => principals.includes(user) || (user === CAROL && principals.includes(LEADS)),
    },
    logger: silentLogger(),
  };
}

/** An install's life on PRD: requested by alice, approved by bob, sent, succeeded. */
async function installLife(): Promise<string> {
  const plan = smallPlan();
  const op = await store.operations.create({
    kind: 'install',
    group: 'PRD',
    status: 'pending',
    requestedBy: ALICE,
    channel: 'C0PRDPATCH',
    params: { rebootOption: 'NoReboot', maxConcurrency: '10%', maxErrors: '1' },
    plan: planJson(plan),
    expiresAt: new Date(clock.now().getTime() + 4 * 3_600_000),
  });
  const at = (action: Parameters<Store['audit']['append']>[0]['action'], actor: string, detail?: object) =>
    store.audit.append({
      actor,
      action,
      operationId: op.id,
      group: 'PRD',
      ...(detail ? { detail: { ...detail } } : {}),
    });
  await at('operation.requested', ALICE, { kind: 'install' });
  clock.advance(60_000);
  await at('operation.approval_recorded', BOB, { approvals: 1, needed: 1 });
  await at('operation.approved', BOB, { approvers: [BOB] });
  clock.advance(1000);
  await at('operation.sent', 'patchbot', { commands: ['cmd-1'] });
  clock.advance(300_000);
  await at('operation.finished', 'patchbot', { status: 'succeeded', summary: '8 succeeded' });
  return op.id;
}

function csvOf(reply: Reply): Record<string, string>[] {
  if (reply.kind !== 'file') throw new Error(`expected a file, got ${JSON.stringify(reply)}`);
  expect(reply.to).toBe('requester');
  expect(reply.file.filename).toMatch(/^patchbot-audit-.*\.csv$/);
  return csvRecords(new TextDecoder().decode(reply.file.bytes));
}

describe('/patch audit', () => {
  it("holds an install's whole life: who, when, what, targets and patches", async () => {
    const id = await installLife();
    const reply = await dispatch(context(BOB), 'audit PRD', 'req1');
    const rows = csvOf(reply);
    expect(rows.map((r) => [r.event, r.user_id, r.time])).toEqual([
      ['requested', ALICE, '2026-11-20T09:00:00.000Z'],
      ['approval_recorded', BOB, '2026-11-20T09:01:00.000Z'],
      ['approved', BOB, '2026-11-20T09:01:00.000Z'],
      ['sent', 'patchbot', '2026-11-20T09:01:01.000Z'],
      ['finished', 'patchbot', '2026-11-20T09:06:01.000Z'],
    ]);
    const plan = smallPlan();
    for (const r of rows) {
      expect(r).toMatchObject({ operation_id: id, group: 'PRD', kind: 'install' });
      expect(r.targets!.split(' ')).toEqual(plan.targets.map((t) => t.instanceId));
      expect(r.patches!.split(' ')).toEqual(plan.patches.map((p) => p.kbId));
    }
    expect(rows[3]!.user_name).toBe('patchbot');
    expect(rows[4]!.outcome).toBe('succeeded');
    expect(JSON.parse(rows[2]!.detail!)).toEqual({ approvers: [BOB] });
    if (reply.kind === 'file') expect(plainSentence(reply.comment as never)).toMatch(/PRD .*5 entries/);
  });

  it('leaves out what is older than the period, and other groups', async () => {
    await store.audit.append({ actor: ALICE, action: 'operation.requested', group: 'PRD', operationId: 'op-old001' });
    clock.advance(10 * 86_400_000);
    await store.audit.append({ actor: ALICE, action: 'operation.requested', group: 'WIN', operationId: 'op-win001' });
    await store.audit.append({ actor: ALICE, action: 'operation.requested', group: 'PRD', operationId: 'op-new001' });
    const prd7d = csvOf(await dispatch(context(ALICE), 'audit PRD 7d', 'r'));
    expect(prd7d.map((r) => r.operation_id)).toEqual(['op-new001']);
    // Either order, and a date.
    const since = csvOf(await dispatch(context(ALICE), 'audit 2026-11-20 PRD', 'r'));
    expect(since.map((r) => r.operation_id)).toEqual(['op-old001', 'op-new001']);
    // No group: every group alice operates (PRD and WIN); carol approves PRD only.
    expect(csvOf(await dispatch(context(ALICE), 'audit', 'r')).map((r) => r.group)).toEqual(['PRD', 'WIN', 'PRD']);
    expect(csvOf(await dispatch(context(CAROL), 'audit', 'r')).map((r) => r.group)).toEqual(['PRD', 'PRD']);
  });

  it('is refused to those who neither operate nor approve the group', async () => {
    await installLife();
    const mallory = await dispatch(context(MALLORY), 'audit PRD', 'r');
    expect(mallory).toMatchObject({ kind: 'ephemeral', message: { view: 'forbidden' } });
    expect(await dispatch(context(MALLORY), 'audit', 'r')).toMatchObject({ message: { view: 'forbidden' } });
    expect(await dispatch(context(CAROL), 'audit WIN', 'r')).toMatchObject({ message: { view: 'forbidden' } });
  });

  it('reads past the first page, and refuses a period too large for one file', async () => {
    for (let i = 0; i < 1203; i++)
      await store.audit.append({ actor: ALICE, action: 'operation.requested', group: 'PRD', detail: { i } });
    const rows = csvOf(await dispatch(context(ALICE), 'audit PRD', 'r'));
    expect(rows).toHaveLength(1203);
    expect(rows.map((r) => JSON.parse(r.detail!).i)).toEqual(Array.from({ length: 1203 }, (_, i) => i));
    const capped = await dispatch(context(ALICE, { rows: 1000, bytes: 1e9 }), 'audit PRD', 'r');
    expect(capped).toMatchObject({ kind: 'ephemeral', message: { view: 'note' } });
    expect(JSON.stringify(capped)).toMatch(/more than 1,000 entries .*shorter period/);
  });

  it('reads 7d and dates, and refuses what is neither a group nor a period', async () => {
    const now = new Date('2026-11-20T09:00:00.000Z');
    expect(parseSince('7d', now)).toEqual(new Date('2026-11-13T09:00:00.000Z'));
    expect(parseSince('2026-11-01', now)).toEqual(new Date('2026-11-01T00:00:00.000Z'));
    expect(parseSince('PRD', now)).toBeUndefined();
    expect(() => parseSince('2026-02-30', now)).toThrow(/no such date/);
    expect(() => parseSince('2027-01-01', now)).toThrow(/future/);
    expect(() => parseSince('0d', now)).toThrow(/out of range/);
    expect(await dispatch(context(ALICE), 'audit PRD 7d extra', 'r')).toMatchObject({ message: { view: 'usage' } });
    expect(await dispatch(context(ALICE), 'audit NOPE', 'r')).toMatchObject({ message: { view: 'usage' } });
  });
});
