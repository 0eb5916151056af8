/**
 * `npm start`'s code path as a process: configuration from PATCHBOT_CONFIG, the AWS endpoint and
 * credentials from the SDK's own environment variables (nothing patchbot-specific), the state file
 * from PATCHBOT_DB.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleetSimulator, type FleetSimulator } from '../src/sandbox/aws';

const ROOT = join(__dirname, '..');

function runMain(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', 'tsx/cjs', join(ROOT, 'src/main.ts'), '--check'],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm start (main) against the simulator', () => {
  let sim: FleetSimulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startFleetSimulator({
      port: 0,
      fleets: [
        { account: '123456789012', region: 'us-east-1' },
        { account: '222222222222', region: 'eu-west-1' },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'patchbot-main-'));
  });
  afterAll(() => sim.close());

  const awsEnv = () => ({
    AWS_ENDPOINT_URL: sim.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'SANDBOXMAINTESTKEY01',
    AWS_SECRET_ACCESS_KEY: 'not-checked',
    LOG_LEVEL: 'silent',
  });

  it('reaches every scope through the SDK endpoint variables, assuming the role where one is set', async () => {
    const config = join(dir, 'patchbot.yml');
    writeFileSync(
      config,
      [
        'aws:',
        '  scopes:',
        '    - { name: main, accountId: "123456789012", regions: [us-east-1] }',
        '    - { name: partner, roleArn: "arn:aws:iam::222222222222:role/patchbot", regions: [eu-west-1] }',
        'groups:',
        '  PRD: { channel: C0PRD, operators: [U0ALICE] }',
      ].join('\n'),
    );
    const { code, stdout } = await runMain({ ...awsEnv(), PATCHBOT_CONFIG: config, PATCHBOT_DB: join(dir, 'state', 'patchbot.db') });
    expect(stdout).toMatch(/^OK {3}scope main \(us-east-1\) credentials: account 123456789012/m);
    expect(stdout).toMatch(/^OK {3}scope partner \(eu-west-1\) credentials: account 222222222222 as arn:aws:sts::222222222222:assumed-role\/patchbot\//m);
    expect(stdout).toMatch(/^OK {3}group PRD in main \(us-east-1\): baseline PRD-AL2Baseline, \d+ instances report to patch group PRD$/m);
    expect(stdout).toMatch(/^OK {3}group PRD in partner \(eu-west-1\): baseline PRD-AL2Baseline/m);
    expect(code).toBe(0);
  });

  it('exits 2 with every configuration problem named, before touching AWS', async () => {
    const config = join(dir, 'broken.yml');
    writeFileSync(config, 'groups:\n  PRD:\n    channel: C0PRD\n    operators: [U0ALICE]\n    approval: { expiresAfter: soon }\n');
    sim.resetStats();
    const { code, stderr } = await runMain({ ...awsEnv(), PATCHBOT_CONFIG: config, PATCHBOT_DB: join(dir, 'broken.db') });
    expect(code).toBe(2);
    expect(stderr).toContain('groups.PRD.approval.expiresAfter: expected a duration like "4h", got "soon"');
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(sim.stats().calls).toEqual({});
  });
});
