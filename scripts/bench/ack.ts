/**
 * Acknowledgement latency: signed `/patch status PRD` commands sent N at a time to patchbot's HTTP
 * receiver while every AWS call takes `awsLatencyMs`, and the same to a bare Bolt app that only
 * acknowledges (the floor no Bolt bot can beat), in one run, on one machine. Each receiver runs
 * in its own process; the load and the Slack stand-in run in this one.
 */
import { SANDBOX_ACCESS_KEY_ID } from '../../src/sandbox/aws/cli';
import { DEMO_IDS, startSlackStandIn, type SlackStandIn } from '../../src/sandbox/slack';
import type { BotProcessOptions } from './bot-process';
import { deployedNodeArgs } from './deployed-node-args';
import { startChild } from './child';
import { startRemoteSimulator } from './remote-simulator';
import { percentile } from './stats';

const SIGNING_SECRET = 'bench-signing-secret';

/** Latency figures of one receiver, in milliseconds. */
export interface AckFigures {
  p50: number;
  p99: number;
  max: number;
  failed: number;
}

/** Both receivers' figures. */
export interface AckResult {
  commands: number;
  concurrency: number;
  awsLatencyMs: number;
  bare: AckFigures;
  patchbot: AckFigures;
  /** Answers patchbot posted after the acknowledgements (all of them, once the AWS calls finished). */
  answered: number;
}

/** Sends `count` slash commands through `slack`, `concurrency` in flight at a time; returns each acknowledgement's latency. */
async function fire(slack: SlackStandIn, count: number, concurrency: number): Promise<{ ms: number[]; failed: number }> {
  const ms: number[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const started = performance.now();
      const r = await slack.driver.slashCommand({ userId: DEMO_IDS.users.alice, channelId: DEMO_IDS.channels.prd, text: 'status PRD', timeoutMs: 30_000 });
      ms.push(performance.now() - started);
      if (r.status !== 200) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms, failed };
}

function figures(run: { ms: number[]; failed: number }): AckFigures {
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50: round(percentile(run.ms, 50)), p99: round(percentile(run.ms, 99)), max: round(Math.max(...run.ms)), failed: run.failed };
}

/** Runs the acknowledgement benchmark. */
export async function benchAck(options: { commands: number; concurrency: number; awsLatencyMs: number; log: (line: string) => void }): Promise<AckResult> {
  const sim = await startRemoteSimulator({ seed: 1, latencyMs: options.awsLatencyMs });
  const botSlack = await startSlackStandIn({ signingSecret: SIGNING_SECRET, botToken: 'xoxb-bench' });
  const bareSlack = await startSlackStandIn({ signingSecret: SIGNING_SECRET, botToken: 'xoxb-bare' });
  const botOptions: BotProcessOptions = { config: 'demo', signingSecret: SIGNING_SECRET, botToken: 'xoxb-bench', slackApiUrl: botSlack.apiUrl, awsEndpoint: sim.url, accessKeyId: SANDBOX_ACCESS_KEY_ID };
  const bot = await startChild<{ port: number }>('bot-process', botOptions, deployedNodeArgs());
  botSlack.setBotEventsUrl(`http://127.0.0.1:${bot.ready.port}/slack/events`);
  const bare = await startChild<{ port: number }>('bare-bolt-process', { signingSecret: SIGNING_SECRET, botToken: 'xoxb-bare', slackApiUrl: bareSlack.apiUrl });
  bareSlack.setBotEventsUrl(`http://127.0.0.1:${bare.ready.port}/slack/events`);
  try {
    // Warm both (JIT, sockets, the bot's AWS clients), then measure each in turn.
    await fire(bareSlack, options.concurrency, options.concurrency);
    await fire(botSlack, options.concurrency, options.concurrency);
    const answersBefore = botSlack.calls('chat.postMessage').length;
    await waitQuiet(botSlack);
    const bareRun = await fire(bareSlack, options.commands, options.concurrency);
    const from = botSlack.calls('chat.postMessage').length;
    const botRun = await fire(botSlack, options.commands, options.concurrency);
    await botSlack.driver.waitFor(() => botSlack.calls('chat.postMessage').length - from >= options.commands, 120_000, 'every status answer');
    const result: AckResult = {
      commands: options.commands,
      concurrency: options.concurrency,
      awsLatencyMs: options.awsLatencyMs,
      bare: figures(bareRun),
      patchbot: figures(botRun),
      answered: botSlack.calls('chat.postMessage').length - from,
    };
    options.log(`ack: bare Bolt p50 ${result.bare.p50} ms p99 ${result.bare.p99} ms; patchbot p50 ${result.patchbot.p50} ms p99 ${result.patchbot.p99} ms (${answersBefore} warm-up answers)`);
    return result;
  } finally {
    await bot.close();
    await bare.close();
    await botSlack.close();
    await bareSlack.close();
    await sim.close();
  }
}

/** Waits until the bot has answered every command sent so far (no work left from the warm-up). */
async function waitQuiet(slack: SlackStandIn): Promise<void> {
  let last = -1;
  for (;;) {
    const now = slack.calls().length;
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}
