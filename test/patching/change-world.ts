/**
 * The approval tests' world below Slack: PRD needs approval and promotes from STG, a seeded simulator and a
 * harness on one state file per test file; `sim`, `gateways` and `h` are live bindings, so the tests read the running ones.
 */
import { join } from 'node:path';
import type { FleetGateway } from '../../src/aws';
import { createPatchbotConfigSchema, type PatchbotConfig } from '../../src/config/schema';
import type { ApprovalAuthorizer } from '../../src/patching';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { GROUPS, sandboxFleet } from '../support/aws';
import { FAST, groupOf, harness, tempDir, type Harness } from './helpers';

const APPROVERS = ['U0APP1', 'U0APP2', 'S0LEADS'];
const LEADS = ['U0LEAD'];

/** PRD needs approval (minApprovals as given, `approval` adding to its policy) and promotes from STG; STG runs at once. */
export function changeConfig(minApprovals = 1, approval: Record<string, unknown> = {}): PatchbotConfig {
  return createPatchbotConfigSchema({ region: 'us-east-1' }).parse({
    aws: { scopes: [{ name: 'default', regions: ['us-east-1'] }] },
    groups: {
      STG: { channel: 'C0STG', operators: ['U0OPS'] },
      PRD: {
        channel: 'C0PRD',
        operators: ['U0OPS'],
        promoteFrom: 'STG',
        approval: { required: true, approvers: APPROVERS, minApprovals, ...approval },
        install: { rebootOption: 'NoReboot' },
      },
    },
  });
}

/** Users are themselves; U0LEAD is in the user group S0LEADS. */
export const authorizer: ApprovalAuthorizer = {
  async isAnyOf(userId, principals) {
    return principals.includes(userId) || (principals.includes('S0LEADS') && LEADS.includes(userId));
  },
};

/** The state files' directory, removed after the file's tests. */
export const tmp = tempDir();
/** The configuration the shared harness runs. */
export const config = changeConfig();
/** PRD: approval needed, promoted from STG. */
export const PRD = groupOf(config, 'PRD');
/** STG: changes run at once. */
export const STG = groupOf(config, 'STG');
/** The simulator (set by `useChangeWorld`'s beforeAll). */
export let sim: FleetSimulator;
/** The gateways to the simulator. */
export let gateways: FleetGateway[];
/** The harness on main.db whose tracker runs. */
export let h: Harness;
export let closeFleet: () => void;
export let released = 0;
export const ids = new Map<string, string>();
/** How many SendCommand calls the simulator has answered since the stats were reset. */
export const sends = () => sim.stats().calls.SendCommand ?? 0;
/** A new critical patch on PRD, reported at once, so an install has something to do. */
export const releaseOnPrd = () =>
  sim.releasePatch({
    title: `openssl-3.0.${++released}`,
    group: 'PRD',
    severity: 'Critical',
    classification: 'Security',
    releasedDaysAgo: 40,
    rescan: true,
  });

/** Starts the seeded simulator and the harness before the file's tests, resets the stats before each, and stops all after them. */
export function useChangeWorld(): void {
  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 7, timing: FAST });
    const fleet = sandboxFleet(sim.url);
    gateways = fleet.gateways;
    closeFleet = fleet.close;
    for (const g of [GROUPS.PRD, GROUPS.STG])
      for (const i of await gateways[0]!.listManagedInstances(g)) ids.set(i.name ?? i.instanceId, i.instanceId);
    h = await harness({ gateways, config, path: join(tmp.dir, 'main.db') });
    await h.tracker.start();
  });
  afterAll(async () => {
    await h.close();
    closeFleet();
    await sim.close();
    tmp.cleanup();
  });
  beforeEach(async () => sim.resetStats());
}

/** The id of a seeded instance by its Name tag. */
export function idOf(name: string): string {
  const id = ids.get(name);
  if (!id) throw new Error(`no instance ${name}`);
  return id;
}
