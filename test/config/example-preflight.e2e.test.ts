/**
 * patchbot.example.yml, unchanged, through the preflight that `npm run check` runs, against the
 * simulator holding its accounts and regions: its Amazon Linux 2023 groups find AWS's default
 * baseline for that operating system, and nothing fails.
 */
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { formatPreflight, runPreflight } from '../../src/preflight';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { SANDBOX_CREDENTIALS, sandboxFleet } from '../support/aws';

describe('patchbot.example.yml through the preflight', () => {
  let sim: FleetSimulator;
  beforeAll(async () => {
    sim = await startFleetSimulator({
      port: 0,
      seed: 2,
      fleets: [
        { account: '012345678901', region: 'eu-central-1' },
        { account: '210987654321', region: 'eu-central-1' },
        { account: '210987654321', region: 'eu-west-1' },
      ],
      // The staging scope uses the default credential chain: these keys reach its account.
      accessKeys: { [SANDBOX_CREDENTIALS.accessKeyId]: '012345678901' },
    });
  });
  afterAll(() => sim.close());

  it('passes: every scope reaches its account and every group, AL2023 included, has its baseline', async () => {
    const { config } = loadConfig({
      env: { PATCHBOT_CONFIG: 'patchbot.example.yml' },
      cwd: join(__dirname, '..', '..'),
    });
    expect(config.groups.filter((g) => g.operatingSystem === 'AMAZON_LINUX_2023').map((g) => g.name)).toEqual([
      'STG',
      'PRD',
    ]);
    const fleet = sandboxFleet(sim.url, config.aws.scopes);
    try {
      const checks = await runPreflight(config, fleet, silentLogger());
      const text = formatPreflight(checks);
      expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
      expect(text).toMatch(/^OK {3}scope staging \(eu-central-1\) credentials: account 012345678901/m);
      expect(text).toMatch(
        /^OK {3}scope production \(eu-west-1\) credentials: account 210987654321 as arn:aws:sts::210987654321:assumed-role\/patchbot\//m,
      );
      // No AL2023 baseline is registered for STG or PRD in the seeded accounts, so SSM's default for AL2023 applies (a warning, not a failure).
      expect(text).toMatch(
        /^WARN group STG in staging \(eu-central-1\): baseline AWS-AmazonLinux2023DefaultPatchBaseline, \d+ instances report to patch group STG; no baseline is registered for patch group STG, so SSM's default applies/m,
      );
      for (const region of ['eu-central-1', 'eu-west-1']) {
        expect(text).toMatch(
          new RegExp(
            `^WARN group PRD in production \\(${region}\\): baseline AWS-AmazonLinux2023DefaultPatchBaseline, `,
            'm',
          ),
        );
        expect(text).toMatch(
          new RegExp(
            `^WARN group WIN in production \\(${region}\\): baseline AWS-DefaultPatchBaseline, 0 instances report to patch group windows-prd`,
            'm',
          ),
        );
      }
      // Three scope checks; STG in staging, PRD in both production regions, WIN in all three.
      expect(checks).toHaveLength(3 + 1 + 2 + 3);
    } finally {
      fleet.close();
    }
  });
});
