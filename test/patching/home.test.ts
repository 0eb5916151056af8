/**
 * The App Home's data and its view: who sees which groups and changes, tiles from the snapshot,
 * and a view inside Slack's 100 blocks (checked by the Slack stand-in's validator) for 200 groups
 * and 200 pending changes.
 */
import { validateHomeView } from '@patchbot/sandbox/slack';
import { ManualClock } from '../../src/clock';
import { createPatchbotConfigSchema, type PatchbotConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { buildHome, tileOf } from '../../src/patching/home';
import { openStore, type NewSnapshotEntry, type Store } from '../../src/store';
import { HOME_MAX_BLOCKS, homeView } from '../../src/slack/views/home';

const OPS = 'U0OPS00001';
const APPROVER = 'U0APPROVE1';
const STRANGER = 'U0STRANGE1';

/** `n` groups; the first half protected (APPROVER approves), all operated by OPS. */
function config(n: number): PatchbotConfig {
  const groups: Record<string, unknown> = {};
  for (let i = 0; i < n; i++)
    groups[`G${String(i).padStart(3, '0')}`] = {
      channel: `C0G${i}`,
      operators: [OPS],
      ...(i < n / 2 ? { approval: { required: true, approvers: [APPROVER], minApprovals: 1 } } : {}),
    };
  return createPatchbotConfigSchema({ region: 'us-east-1' }).parse({
    aws: { scopes: [{ name: 'default', regions: ['us-east-1', 'eu-west-1'] }] },
    groups,
  });
}

function entry(group: string, i: number, over: Partial<NewSnapshotEntry> = {}): NewSnapshotEntry {
  return {
    group,
    scope: 'default',
    region: i % 2 === 0 ? 'us-east-1' : 'eu-west-1',
    instanceId: `i-${group.toLowerCase()}${String(i).padStart(4, '0')}`,
    name: `<b>${group}-web-${i}</b>`,
    pingStatus: 'Online',
    operation: 'Scan',
    operationEndTime: new Date('2026-03-01T08:00:00Z'),
    missing: 0,
    failed: 0,
    pendingReboot: 0,
    critical: 0,
    security: 0,
    other: 0,
    missingPatches: [],
    ...over,
  };
}

const authorizer = { isAnyOf: async (u: string, p: readonly string[]) => p.includes(u) };

describe('the App Home', () => {
  let store: Store;
  const clock = new ManualClock('2026-03-01T10:00:00Z');
  const cfg = config(200);
  beforeAll(async () => {
    store = await openStore({ path: ':memory:', logger: silentLogger(), clock });
    for (const g of cfg.groups.slice(0, 100))
      await store.snapshots.upsert([
        entry(g.name, 0),
        entry(g.name, 1, { missing: 2, critical: 1, pendingReboot: 0 }),
        entry(g.name, 2, { pingStatus: 'ConnectionLost', pendingReboot: 1 }),
      ]);
    // 200 pending changes in the protected groups, by OPS; one by APPROVER.
    for (let i = 0; i < 200; i++) {
      const g = cfg.groups[i % 100]!;
      await store.operations.create({
        kind: 'install',
        group: g.name,
        status: 'pending',
        requestedBy: i === 0 ? APPROVER : OPS,
        channel: g.channel,
        messageTs: `1700000000.${String(i).padStart(6, '0')}`,
        expiresAt: new Date('2026-03-01T14:00:00Z'),
      });
    }
  });
  afterAll(async () => store.close());

  const deps = () => ({ store, groups: cfg.groups, authorizer, clock });

  it('gives an approver the changes others requested to decide, and their own as waiting for someone else', async () => {
    const home = await buildHome(deps(), APPROVER);
    expect(home.visibleGroups).toHaveLength(100);
    expect(home.pending.filter((p) => p.role === 'decide')).toHaveLength(199);
    expect(home.pending.filter((p) => p.role === 'own').map((p) => p.op.requestedBy)).toEqual([APPROVER]);
  });

  it('never gives the requester buttons on their own changes', async () => {
    const home = await buildHome(deps(), OPS);
    expect(home.pending.every((p) => p.role === 'own')).toBe(true);
    expect(JSON.stringify(homeView(home).blocks)).not.toContain('patchbot.approve');
  });

  it('shows a stranger no group, no change and no estate', async () => {
    const home = await buildHome(deps(), STRANGER);
    expect(home).toMatchObject({ visibleGroups: [], pending: [], running: [], tiles: [], estate: undefined });
    const view = homeView(home);
    expect(JSON.stringify(view.blocks)).not.toMatch(/G0\d\d/);
    expect(JSON.stringify(view.blocks)).toMatch(/do not operate or approve/);
  });

  it('stays within 100 blocks for 200 groups and 200 pending changes, as Slack validates a Home view', async () => {
    for (const viewer of [APPROVER, OPS]) {
      const view = homeView(
        await buildHome(deps(), viewer),
        'You requested this change; someone else must approve it.',
      );
      expect(view.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
      const verdict = validateHomeView(view);
      expect(verdict.ok ? [] : verdict.issues).toEqual([]);
      const text = JSON.stringify(view.blocks);
      expect(text).toMatch(/…and [\d,]+ more groups/);
    }
  });

  it('counts a tile from the snapshot: compliance, missing by severity, reboots, unreachable, last scan, last window', async () => {
    const home = await buildHome(deps(), OPS);
    const tile = home.tiles.find((t) => t.group === 'G000')!;
    expect(tile).toMatchObject({ instances: 3, compliant: 1, critical: 1, pendingReboot: 1, unreachable: 1 });
    expect(tile.lastScanAt?.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    // Worst first: groups with figures below 100% come before empty ones.
    expect(home.tiles[0]!.compliant / home.tiles[0]!.instances).toBeLessThan(1);
    expect(home.estate).toMatchObject({ instances: 300, compliant: 100 });
    expect(home.estate!.places.map((p) => p.region)).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('reads the last window result of a group from what the window poll stored', async () => {
    await store.pollState.markSeen({
      scope: 'default',
      region: 'us-east-1',
      windowId: 'mw-0123456789abcdef0',
      executionId: 'exec-1',
      windowName: 'patch <g000> & co',
      status: 'FAILED',
      startTime: new Date('2026-03-01T02:00:00Z'),
      endTime: new Date('2026-03-01T03:00:00Z'),
      groups: ['G000'],
      baseline: false,
    });
    const home = await buildHome(deps(), OPS);
    expect(home.tiles.find((t) => t.group === 'G000')!.lastWindow).toMatchObject({
      name: 'patch <g000> & co',
      status: 'FAILED',
    });
    expect(JSON.stringify(homeView(home).blocks)).toContain('last window patch &lt;g000&gt; &amp; co: FAILED');
  });

  it('treats an empty group as nothing missing', () => {
    expect(tileOf('EMPTY', [])).toMatchObject({ instances: 0, compliant: 0, lastScanAt: null, lastWindow: null });
  });
});
