/**
 * The AWS page readers parse in the process's background turns (src/shared/turn-budget.ts), over the
 * real SDK and HTTP against the simulator: a group read's EC2 and patch-state pages go through the
 * TurnBudget the bot hands the client pool, every scope and region shares it, and a read still
 * finishes while a Slack request waits (one slice a turn, not none).
 */
import type { Fleet, FleetGateway } from '../../src/aws';
import { AwsClientPool } from '../../src/aws/clients';
import { SlackFirst } from '../../src/shared/slack-first';
import { TurnBudget } from '../../src/shared/turn-budget';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { GROUPS, sandboxFleet } from '../support/aws';

describe('page readers in background turns', () => {
  let sim: FleetSimulator;
  let fleet: Fleet;
  const slackFirst = new SlackFirst(1000);
  const turns = new TurnBudget({ slackFirst });

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 23, instances: 300 });
    fleet = sandboxFleet(sim.url, undefined, undefined, { turns });
  });
  afterAll(async () => {
    fleet.close();
    await sim.close();
  });

  it('parses every page of a group read in the turns it was given', async () => {
    const run = jest.spyOn(turns, 'run');
    try {
      const read = await (fleet.gateways[0] as FleetGateway).readGroup(GROUPS.PRD);
      expect(read.instances.length).toBeGreaterThan(0);
      expect(read.states.length).toBeGreaterThan(100);
      // At least one slice for the EC2 page (its end) and one per patch-state page (100 states a page).
      expect(run.mock.calls.length).toBeGreaterThanOrEqual(1 + Math.ceil(read.states.length / 100));
    } finally {
      run.mockRestore();
    }
  });

  it('gives every scope and region one budget: the one given, else the pool’s own', () => {
    const scopes = [
      { name: 'a', regions: ['us-east-1', 'eu-west-1'] },
      { name: 'b', regions: ['us-east-1'] },
    ];
    const given = new AwsClientPool(scopes, { turns });
    expect(
      [given.get('a', 'us-east-1'), given.get('a', 'eu-west-1'), given.get('b', 'us-east-1')].map((c) => c.turns),
    ).toEqual([turns, turns, turns]);
    const own = new AwsClientPool(scopes);
    const first = own.get('a', 'us-east-1').turns;
    expect(first).not.toBe(turns);
    expect(own.get('b', 'us-east-1').turns).toBe(first);
    given.destroy();
    own.destroy();
  });

  it('still finishes a read while a Slack request awaits its acknowledgement', async () => {
    const before = await (fleet.gateways[0] as FleetGateway).readGroup(GROUPS.STG);
    // AWS requests wait for it at most SlackFirst's longest wait; the parsing goes on a slice a turn.
    const acknowledged = slackFirst.arrived();
    try {
      const during = await (fleet.gateways[0] as FleetGateway).readGroup(GROUPS.STG);
      expect(during.instances.map((i) => i.instanceId)).toEqual(before.instances.map((i) => i.instanceId));
      expect(during.states.length).toBe(before.states.length);
    } finally {
      acknowledged();
    }
  });
});
