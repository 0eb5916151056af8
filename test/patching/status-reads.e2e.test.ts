/**
 * A burst of status requests for one group costs one read of it (they share the read under way),
 * while a later request reads again: through the production gateway against the simulator.
 */
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { sandboxFleet } from '../support/aws';
import { groupOf, harness, testConfig, type Harness } from './helpers';

describe('status reads', () => {
  let sim: FleetSimulator;
  let closeFleet: () => void;
  let h: Harness;
  const config = testConfig();

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 7, latencyMs: 20 });
    const fleet = sandboxFleet(sim.url);
    closeFleet = fleet.close;
    h = await harness({ gateways: fleet.gateways, config });
  });
  afterAll(async () => {
    await h.close();
    closeFleet();
    await sim.close();
  });

  it('ten concurrent status requests for PRD make the calls of one, and the next request reads afresh', async () => {
    const PRD = groupOf(config, 'PRD');
    sim.resetStats();
    await h.service.status(PRD);
    const one = sim.stats().totalCalls;
    expect(one).toBeGreaterThan(0);

    sim.resetStats();
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.service.status(PRD)));
    expect(sim.stats().totalCalls).toBe(one);
    expect(new Set(answers.map((a) => a.counts.instances)).size).toBe(1);

    sim.resetStats();
    await Promise.all([h.service.status(PRD), h.service.status(groupOf(config, 'STG'))]);
    expect(sim.stats().totalCalls).toBeGreaterThan(one);
  });
});
