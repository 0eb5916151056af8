import { parseConfigText } from '../src/config';
import { silentLogger } from '../src/logger';
import { formatPreflight, runPreflight } from '../src/preflight';
import { startFleetSimulator, type FleetSimulator } from '../src/sandbox/aws';
import { sandboxFleet } from './support/aws';

const DOC = `
aws:
  scopes:
    - name: main
      accountId: "123456789012"
      regions: [us-east-1]
groups:
  PRD: { channel: C0PRD, operators: [U0ALICE] }
  QA: { channel: C0QA, operators: [U0ALICE] }
`;

describe('preflight against the simulator', () => {
  let sim: FleetSimulator;
  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 1 });
  });
  afterAll(() => sim.close());

  it('confirms the account and baselines, and says what is wrong where it is not', async () => {
    const config = parseConfigText(DOC, 'patchbot.yml', {});
    const fleet = sandboxFleet(sim.url, config.aws.scopes);
    try {
      const checks = await runPreflight(config, fleet, silentLogger());
      const text = formatPreflight(checks);
      expect(text).toMatch(/^OK {3}scope main \(us-east-1\) credentials: account 123456789012/m);
      expect(text).toMatch(/^OK {3}group PRD in main \(us-east-1\): baseline PRD-AL2Baseline, \d+ instances report to patch group PRD/m);
      const qa = checks.find((c) => c.what.startsWith('group QA'));
      expect(qa?.status).toBe('warn');
      expect(qa?.detail).toContain('no baseline is registered for patch group QA');
      expect(qa?.detail).toContain('no instance reports to patch group QA');
    } finally {
      fleet.close();
    }
  });

  it('flags credentials that resolve to another account than the scope names', async () => {
    const config = parseConfigText(DOC.replace('123456789012', '999999999999'), 'patchbot.yml', {});
    const fleet = sandboxFleet(sim.url, config.aws.scopes);
    try {
      const [first] = await runPreflight(config, fleet, silentLogger());
      expect(first).toMatchObject({ status: 'fail' });
      expect(first?.detail).toContain('credentials resolve to account 123456789012, but the scope says 999999999999');
    } finally {
      fleet.close();
    }
  });
});
