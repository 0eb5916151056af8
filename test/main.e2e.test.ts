/**
 * `npm start`'s code path as a process: configuration from PATCHBOT_CONFIG, the AWS endpoint and
 * credentials from the SDK's own environment variables (nothing patchbot-specific), the state file
 * from PATCHBOT_DB, Slack through SLACK_API_URL (the workspace stand-in). `--check` is
 * `npm run check`: one line per check, no log lines, exit 1 on any failure.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { startSlackStandIn, type SlackStandIn } from '@patchbot/sandbox/slack';
import { GROUPS, sandboxFleet } from './support/aws';

const ROOT = join(__dirname, '..');
const BOT_TOKEN = 'xoxb-main';

function runMain(
  env: Record<string, string>,
  args: string[] = ['--check'],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', 'tsx/cjs', join(ROOT, 'src/main.ts'), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Lines that look like pino's JSON logs. */
const jsonLines = (text: string) => text.split('\n').filter((l) => l.trimStart().startsWith('{'));

describe('npm start (main) against the simulator', () => {
  let sim: FleetSimulator;
  let slack: SlackStandIn;
  let dir: string;
  let config: string;
  beforeAll(async () => {
    slack = await startSlackStandIn({ signingSecret: 'main-e2e-secret', botToken: BOT_TOKEN });
    sim = await startFleetSimulator({
      port: 0,
      fleets: [
        { account: '123456789012', region: 'us-east-1' },
        { account: '222222222222', region: 'eu-west-1' },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'patchbot-main-'));
    config = join(dir, 'patchbot.yml');
    writeFileSync(
      config,
      [
        'aws:',
        '  scopes:',
        '    - { name: main, accountId: "123456789012", regions: [us-east-1] }',
        '    - { name: partner, roleArn: "arn:aws:iam::222222222222:role/patchbot", regions: [eu-west-1] }',
        'groups:',
        '  PRD: { channel: "#prd-patching", operators: [U0ALICE] }',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await slack.close();
    await sim.close();
  });

  const awsEnv = () => ({
    AWS_ENDPOINT_URL: sim.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'SANDBOXMAINTESTKEY01',
    AWS_SECRET_ACCESS_KEY: 'not-checked',
  });
  const slackEnv = (token = BOT_TOKEN) => ({
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: token,
    SLACK_SIGNING_SECRET: 'main-e2e-secret',
  });
  const files = () => ({ PATCHBOT_CONFIG: config, PATCHBOT_DB: join(dir, 'state', 'patchbot.db') });

  it('reaches every scope through the SDK endpoint variables, assuming the role where one is set, and names the other tag spelling', async () => {
    const { code, stdout, stderr } = await runMain({ ...awsEnv(), ...slackEnv(), ...files() });
    expect(stdout).toMatch(/^OK {3}Slack settings: HTTP mode/m);
    expect(stdout).toMatch(
      /^OK {3}Slack bot token: Slack accepts it: bot @patchbot \(U0PATCHBOT, B0PATCHBOT\) in workspace patchbot demo \(T0PATCHBOT, https:\/\/patchbot-demo\.slack\.com\/\)$/m,
    );
    // Channel names are resolved as npm start resolves them.
    expect(stdout).toMatch(/^OK {3}Slack channels: 1 channel; #prd-patching is C0PRDPATCH$/m);
    expect(stdout).toMatch(/^OK {3}scope main \(us-east-1\) credentials: account 123456789012/m);
    expect(stdout).toMatch(
      /^OK {3}scope partner \(eu-west-1\) credentials: account 222222222222 as arn:aws:sts::222222222222:assumed-role\/patchbot\//m,
    );
    // The seed tags prd-db-2 PatchGroup=PRD in each partition: SSM counts 9, the group's tag finds 8.
    expect(stdout).toMatch(
      /^WARN group PRD in main \(us-east-1\): baseline PRD-AL2Baseline, 9 instances report to patch group PRD; 1 instance is tagged PatchGroup=PRD and is not part of this group \(prd-db-2 i-[0-9a-f]{17}\): .*retag them Patch Group=PRD to include them$/m,
    );
    expect(stdout).toMatch(
      /^WARN group PRD in partner \(eu-west-1\): baseline PRD-AL2Baseline, 9 instances report .*prd-db-2/m,
    );
    expect(jsonLines(stdout + stderr)).toEqual([]);
    expect(code).toBe(0);
  });

  it('fails naming each Slack variable that is missing, and still checks AWS', async () => {
    const { code, stdout } = await runMain({ ...awsEnv(), ...files() });
    const lines = stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      "FAIL Slack SLACK_BOT_TOKEN: missing: set it to the app's bot token (xoxb-…, OAuth & Permissions page)",
      "FAIL Slack SLACK_SIGNING_SECRET: missing: HTTP mode (SLACK_APP_TOKEN is not set, so Slack sends requests to port 3000) needs the app's signing secret; or set SLACK_APP_TOKEN for Socket Mode",
    ]);
    expect(stdout).toMatch(/^OK {3}scope main \(us-east-1\) credentials/m);
    expect(code).toBe(1);

    const socket = await runMain({ ...awsEnv(), ...files(), SLACK_APP_TOKEN: 'xapp-1-A0-1-abc' });
    expect(socket.stdout).toMatch(/^FAIL Slack SLACK_BOT_TOKEN: missing/m);
    expect(socket.stdout).not.toContain('SLACK_SIGNING_SECRET');
    expect(socket.code).toBe(1);
  });

  it('fails on a bot token Slack refuses, with the fix, and keeps log lines out', async () => {
    const { code, stdout, stderr } = await runMain({ ...awsEnv(), ...files(), ...slackEnv('xoxb-revoked') });
    expect(stdout).toMatch(
      /^FAIL Slack bot token: Slack does not accept SLACK_BOT_TOKEN \(invalid_auth\): .*Set SLACK_BOT_TOKEN to the Bot User OAuth Token \(xoxb-…\) from the app's OAuth & Permissions page$/m,
    );
    expect(jsonLines(stdout + stderr)).toEqual([]);
    expect(stdout + stderr).not.toContain('xoxb-revoked');
    expect(code).toBe(1);
  });

  it('all good: every line OK, nothing else; --verbose adds the logs, on stderr', async () => {
    // Give prd-db-2 the group's own tag key in both partitions, so nothing is left to warn about.
    const fleet = sandboxFleet(sim.url, [
      { name: 'main', regions: ['us-east-1'] },
      { name: 'partner', roleArn: 'arn:aws:iam::222222222222:role/patchbot', regions: ['eu-west-1'] },
    ]);
    try {
      for (const [gw, account] of [
        [fleet.gateways[0]!, '123456789012'],
        [fleet.gateways[1]!, '222222222222'],
      ] as const) {
        for (const i of await gw.listOtherSpelling(GROUPS.PRD))
          sim.setInstance(
            i.instanceId,
            { tags: { PatchGroup: '', 'Patch Group': 'PRD' } },
            { account, region: gw.region },
          );
      }
    } finally {
      fleet.close();
    }
    const { code, stdout, stderr } = await runMain({ ...awsEnv(), ...slackEnv(), ...files() });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(8);
    for (const line of lines) expect(line).toMatch(/^OK {3}\S/);
    expect(lines.at(-1)).toBe(`OK   state database: SQLite file ${files().PATCHBOT_DB} (created at the first start)`);
    expect(stdout).toMatch(
      /^OK {3}group PRD in main \(us-east-1\): baseline PRD-AL2Baseline, 9 instances report to patch group PRD$/m,
    );
    expect(jsonLines(stderr)).toEqual([]);
    expect(code).toBe(0);

    const verbose = await runMain({ ...awsEnv(), ...slackEnv(), ...files() }, ['--check', '--verbose']);
    expect(verbose.stdout).toBe(stdout);
    expect(jsonLines(verbose.stderr).length).toBeGreaterThan(0);
    expect(verbose.stderr).not.toContain(BOT_TOKEN);
    expect(verbose.code).toBe(0);
  });

  it('checks a PostgreSQL database it cannot reach: host and database named, the password never', async () => {
    const url = 'postgres://patchbot:pw-s3cret@127.0.0.1:1/patchbot_state';
    const { code, stdout, stderr } = await runMain({
      ...awsEnv(),
      ...slackEnv(),
      PATCHBOT_CONFIG: config,
      PATCHBOT_DATABASE_URL: url,
    });
    expect(stdout).toMatch(
      /^FAIL state database: state database patchbot_state on 127\.0\.0\.1:1 \(postgres:\/\/patchbot:\[redacted\]@127\.0\.0\.1:1\/patchbot_state\) cannot be reached: .*ECONNREFUSED.*Make sure PostgreSQL runs on 127\.0\.0\.1:1/m,
    );
    expect(stdout + stderr).not.toContain('pw-s3cret');
    expect(code).toBe(1);
  });

  it('npm start with a bot token Slack refuses ends with the problem and the fix', async () => {
    const { code, stderr } = await runMain({ ...awsEnv(), ...slackEnv('xoxb-other'), ...files(), PORT: '0' }, []);
    const last = stderr.trim().split('\n').at(-1);
    expect(last).toMatch(
      /^patchbot could not start: Slack does not accept SLACK_BOT_TOKEN \(invalid_auth\): .*OAuth & Permissions page$/,
    );
    expect(stderr).not.toContain('Something went wrong');
    expect(code).toBe(1);
  });

  it('npm start on a corrupt state file ends naming the file, the cause and the fix', async () => {
    const corrupt = join(dir, 'corrupt.db');
    writeFileSync(corrupt, 'this is not a database, only text long enough to fill a header page. '.repeat(80));
    const { code, stderr } = await runMain(
      { ...awsEnv(), ...slackEnv(), PATCHBOT_CONFIG: config, PATCHBOT_DB: corrupt, PORT: '0' },
      [],
    );
    const last = stderr.trim().split('\n').at(-1) ?? '';
    expect(
      last.startsWith(`patchbot could not start: state database ${corrupt} is corrupt or not an SQLite database: `),
    ).toBe(true);
    expect(last).toMatch(/SQLITE_NOTADB/);
    expect(last).toContain(`move ${corrupt} aside (or restore a backup)`);
    expect(code).toBe(1);
  });

  it('exits 2 with every configuration problem named, before touching AWS', async () => {
    const broken = join(dir, 'broken.yml');
    writeFileSync(
      broken,
      'groups:\n  PRD:\n    channel: C0PRD\n    operators: [U0ALICE]\n    approval: { expiresAfter: soon }\n',
    );
    sim.resetStats();
    const { code, stderr } = await runMain({
      ...awsEnv(),
      PATCHBOT_CONFIG: broken,
      PATCHBOT_DB: join(dir, 'broken.db'),
    });
    expect(code).toBe(2);
    expect(stderr).toContain('groups.PRD.approval.expiresAfter: expected a duration like "4h", got "soon"');
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(sim.stats().calls).toEqual({});
  });
});
