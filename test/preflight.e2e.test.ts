import { loadEnv, parseConfigText } from '../src/config';
import { silentLogger } from '../src/logger';
import { formatPreflight, runPreflight, runSlackPreflight } from '../src/preflight';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { startSlackStandIn, type SlackStandIn } from '@patchbot/sandbox/slack';
import { GROUPS, sandboxFleet } from './support/aws';

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
      // The seed tags prd-db-2 PatchGroup=PRD: SSM counts it, the group's tag (Patch Group) does not find it.
      expect(text).toMatch(
        /^WARN group PRD in main \(us-east-1\): baseline PRD-AL2Baseline, 9 instances report to patch group PRD; 1 instance is tagged PatchGroup=PRD and is not part of this group \(prd-db-2 i-[0-9a-f]{17}\): SSM counts them in patch group PRD, but the group's commands target the tag Patch Group; retag them Patch Group=PRD to include them$/m,
      );
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

describe('preflight: the other tag spelling', () => {
  let sim: FleetSimulator;
  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 1 });
  });
  afterAll(() => sim.close());

  it("is OK once the instance carries the group's own tag key", async () => {
    const config = parseConfigText(DOC, 'patchbot.yml', {});
    const fleet = sandboxFleet(sim.url, config.aws.scopes);
    try {
      const [other] = await fleet.gateways[0]!.listOtherSpelling(GROUPS.PRD);
      sim.setInstance(other!.instanceId, { tags: { PatchGroup: '', 'Patch Group': 'PRD' } });
      const prd = (await runPreflight(config, fleet, silentLogger())).find((c) => c.what.startsWith('group PRD'));
      expect(prd).toEqual({
        status: 'ok',
        what: 'group PRD in main (us-east-1)',
        detail: 'baseline PRD-AL2Baseline, 9 instances report to patch group PRD',
      });
    } finally {
      fleet.close();
    }
  });
});

describe('preflight: Slack, against the workspace stand-in', () => {
  const TOKEN = 'xoxb-good';
  const APP_TOKEN = 'xapp-good';
  let slack: SlackStandIn;
  beforeAll(async () => {
    slack = await startSlackStandIn({ signingSecret: 'preflight-secret', botToken: TOKEN, appToken: APP_TOKEN });
  });
  afterAll(() => slack.close());
  beforeEach(() => slack.reset());

  const run = (vars: Record<string, string>) =>
    runSlackPreflight(loadEnv({ SLACK_API_URL: slack.apiUrl, ...vars }), silentLogger());

  it('names every variable the chosen mode misses, and calls Slack only with a bot token', async () => {
    expect(formatPreflight(await run({}))).toBe(
      [
        "FAIL Slack SLACK_BOT_TOKEN: missing: set it to the app's bot token (xoxb-…, OAuth & Permissions page)",
        "FAIL Slack SLACK_SIGNING_SECRET: missing: HTTP mode (SLACK_APP_TOKEN is not set, so Slack sends requests to port 3000) needs the app's signing secret; or set SLACK_APP_TOKEN for Socket Mode",
      ].join('\n'),
    );
    expect(slack.calls('auth.test')).toEqual([]);
    const socket = await run({ SLACK_APP_TOKEN: APP_TOKEN });
    expect(socket.map((c) => `${c.status} ${c.what}`)).toEqual(['fail Slack SLACK_BOT_TOKEN', 'ok Slack app token']);
    // A token but no signing secret: the secret is named, and the token is still tried.
    const noSecret = await run({ SLACK_BOT_TOKEN: TOKEN });
    expect(noSecret.map((c) => `${c.status} ${c.what}`)).toEqual([
      'fail Slack SLACK_SIGNING_SECRET',
      'ok Slack bot token',
    ]);
  });

  it('names the bot and the workspace when Slack accepts the token', async () => {
    const checks = await run({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: 's3cret' });
    expect(formatPreflight(checks)).toBe(
      [
        'OK   Slack settings: HTTP mode (SLACK_APP_TOKEN not set), with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; Slack sends requests to port 3000 (/slack/events)',
        'OK   Slack bot token: Slack accepts it: bot @patchbot (U0PATCHBOT, B0PATCHBOT) in workspace patchbot demo (T0PATCHBOT, https://patchbot-demo.slack.com/)',
      ].join('\n'),
    );
    expect(slack.calls('auth.test')).toHaveLength(1);
    expect(slack.calls('auth.test')[0]?.auth).toBe('bearer');
  });

  it.each([
    [
      'invalid_auth',
      undefined,
      /^Slack does not accept SLACK_BOT_TOKEN \(invalid_auth\).*Set SLACK_BOT_TOKEN to the Bot User OAuth Token \(xoxb-…\) from the app's OAuth & Permissions page$/,
    ],
    [
      'token_revoked',
      'token_revoked',
      /^Slack says SLACK_BOT_TOKEN was revoked \(token_revoked\).*Reinstall the app to the workspace and set SLACK_BOT_TOKEN/,
    ],
    [
      'account_inactive',
      'account_inactive',
      /^Slack says the account behind SLACK_BOT_TOKEN is inactive \(account_inactive\).*Reinstall the app/,
    ],
    ['token_expired', 'token_expired', /\(token_expired\).*Turn token rotation off/],
  ])('a token Slack refuses (%s) fails with the fix', async (_name, injected, expected) => {
    if (injected) slack.failNext('auth.test', injected);
    const checks = await run({ SLACK_BOT_TOKEN: injected ? TOKEN : 'xoxb-wrong', SLACK_SIGNING_SECRET: 's3cret' });
    const token = checks.find((c) => c.what === 'Slack bot token');
    expect(token?.status).toBe('fail');
    expect(token?.detail).toMatch(expected);
  });

  it('Socket Mode: the app token is tried with apps.connections.open, and a refused one fails naming SLACK_APP_TOKEN', async () => {
    const good = await run({ SLACK_BOT_TOKEN: TOKEN, SLACK_APP_TOKEN: APP_TOKEN });
    expect(formatPreflight(good)).toMatch(
      /^OK {3}Slack app token: Slack opens Socket Mode connections with it \(apps.connections.open\)$/m,
    );
    const bad = await run({ SLACK_BOT_TOKEN: TOKEN, SLACK_APP_TOKEN: 'xapp-wrong' });
    const app = bad.find((c) => c.what === 'Slack app token');
    expect(app?.status).toBe('fail');
    expect(app?.detail).toMatch(/SLACK_APP_TOKEN/);
    expect(bad.find((c) => c.what === 'Slack bot token')?.status).toBe('ok');
  });

  it('a Slack it cannot reach fails naming the URL and SLACK_API_URL', async () => {
    const checks = await runSlackPreflight(
      loadEnv({ SLACK_API_URL: 'http://127.0.0.1:9/api/', SLACK_BOT_TOKEN: TOKEN, SLACK_APP_TOKEN: 'xapp-1' }),
      silentLogger(),
    );
    expect(checks.map((c) => `${c.status} ${c.what}`)).toEqual([
      'ok Slack settings',
      'fail Slack app token',
      'fail Slack bot token',
    ]);
    expect(checks[2]?.detail).toMatch(
      /^Could not reach Slack at http:\/\/127\.0\.0\.1:9\/api\/ \(SLACK_API_URL\) \([^)]+\): check the network, DNS, proxy and firewall, and SLACK_API_URL, then try again$/,
    );
  });
});
