/**
 * `npm run demo`: the whole bot on one machine. Starts the AWS fleet simulator, the Slack workspace
 * stand-in and patchbot itself (the same startBot as production), wired to each other on 127.0.0.1,
 * and prints where to click. The state file is fresh each run.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';
import { startBot } from '../src/bot';
import { parseConfigText } from '../src/config';
import { createLogger } from '../src/logger';
import { startFleetSimulator } from '@patchbot/sandbox/aws';
import { SANDBOX_ACCESS_KEY_ID } from '@patchbot/sandbox/aws/cli';
import { DEMO_IDS, startSlackStandIn } from '@patchbot/sandbox/slack';

const SIGNING_SECRET = 'demo-signing-secret';
/** The simulator's bucket the demo's command output and promote's pinned lists go to. */
const DEMO_BUCKET = 'patchbot-demo';

/**
 * The demo's patchbot.yml with S3 turned on for the demo only (the tests share the file and choose
 * their own): STG's and PRD's full command output in the simulator's bucket, and PRD's pinned lists
 * there, so `/patch promote STG PRD` and the failure thread's links work in the demo.
 */
function demoConfigText(file: string): string {
  const doc = parse(readFileSync(file, 'utf8')) as { groups: Record<string, { install?: Record<string, unknown> }> };
  for (const name of ['STG', 'PRD']) {
    const group = doc.groups[name];
    if (!group) continue;
    group.install = { ...group.install, outputS3: { bucket: DEMO_BUCKET, prefix: `output/${name.toLowerCase()}` } };
  }
  const prd = doc.groups.PRD;
  if (prd) prd.install = { ...prd.install, overrideList: { bucket: DEMO_BUCKET, prefix: 'override-lists/prd' } };
  return stringify(doc);
}
const BOT_TOKEN = 'xoxb-demo';
/**
 * EC2 instances tagged for PRD and STG that no SSM agent registered, so `/patch status` and the digest
 * show what Security Hub's SSM.1 flags (the tests' fleet is the seeded cast alone, without them).
 */
const DEMO_UNMANAGED = [
  { name: 'prd-legacy-1', tags: { 'Patch Group': 'PRD', Environment: 'production' } },
  { name: 'stg-scratch-1', tags: { 'Patch Group': 'STG', Environment: 'staging' } },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'aws-port': { type: 'string', default: '4566' },
      'slack-port': { type: 'string', default: '3100' },
      'bot-port': { type: 'string', default: '3000' },
      instances: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const logger = createLogger({ level: values.verbose ? 'debug' : 'warn' });
  const sim = await startFleetSimulator({
    port: Number(values['aws-port']),
    timing: { pendingMs: 1500, runMs: 4000 },
    buckets: [{ name: DEMO_BUCKET }],
    unmanagedInstances: DEMO_UNMANAGED,
    ...(values.instances ? { instances: Number(values.instances) } : {}),
    logger: logger.child({ subsystem: 'simulator' }),
  });
  const slack = await startSlackStandIn({
    port: Number(values['slack-port']),
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    logger: logger.child({ subsystem: 'slack-standin' }),
  });
  const file = join(__dirname, 'demo.patchbot.yml');
  const config = parseConfigText(demoConfigText(file), file, {});
  const bot = await startBot({
    config,
    slack: {
      mode: 'http',
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      appToken: undefined,
      apiUrl: slack.apiUrl,
    },
    dbPath: join(mkdtempSync(join(tmpdir(), 'patchbot-demo-')), 'patchbot.db'),
    port: Number(values['bot-port']),
    host: '127.0.0.1',
    logger,
    aws: { endpoint: sim.url, credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: 'sandbox' } },
    pollIntervalMs: 1000,
  });
  slack.setBotEventsUrl(`http://127.0.0.1:${bot.port}/slack/events`);

  process.stdout.write(
    [
      'patchbot demo is running.',
      '',
      `  Slack workspace:  ${slack.url}/   (open it in a browser; you are alice in #prd-patching)`,
      `  patchbot:         http://127.0.0.1:${bot.port}/slack/events  (health: /health)`,
      `  AWS simulator:    ${sim.url}  (${sim.summary().reduce((n, p) => n + p.instances, 0)} instances; admin under /_sandbox/)`,
      '',
      'Try:  /patch help   /patch status PRD   /patch scan PRD   /patch baseline STG   /patch windows   /patch history',
      '      /patch install STG, then /patch promote STG PRD   /patch install PRD in patch-prd',
      `Switch users in the page: alice and bob operate; mallory (${DEMO_IDS.users.mallory}) is refused.`,
      `Run the nightly window now:  curl -X POST ${sim.url}/_sandbox/windows/patch-window-am2/execute`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void bot
      .stop()
      .then(() => slack.close())
      .then(() => sim.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  process.stderr.write(
    code === 'EADDRINUSE'
      ? `A demo port is in use: pick others with --aws-port, --slack-port, --bot-port.\n`
      : `The demo could not start: ${String(err)}\n`,
  );
  process.exit(1);
});
