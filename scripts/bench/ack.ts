/**
 * Acknowledgement latency: signed `/patch status PRD` commands sent N at a time to patchbot's HTTP
 * receiver while every AWS call takes `awsLatencyMs`, and the same to a bare Bolt app that only
 * acknowledges (the floor no Bolt bot can beat), in one run, on one machine. Each receiver runs
 * in its own process, and so does the load that times them; the Slack stand-in runs in this one.
 */
import { SANDBOX_ACCESS_KEY_ID } from '../../packages/sandbox/src/aws/cli';
import { DEMO_IDS, DEMO_WORKSPACE, startSlackStandIn, type SlackStandIn } from '../../packages/sandbox/src/slack';
import type { BotProcessOptions } from './bot-process';
import { deployedEnv, deployedNodeArgs } from './deployed-node-args';
import { startChild } from './child';
import type { LoadRequest } from './load-process';
import { startRemoteSimulator } from './remote-simulator';
import type { LoopFigures } from './loop-monitor';
import { latency, medianBy } from './stats';

const SIGNING_SECRET = 'bench-signing-secret';

/** Latency figures of one receiver, in milliseconds. */
export interface AckFigures {
  p50: number;
  p99: number;
  max: number;
  failed: number;
  /** The receiver's own event-loop delay and GC pauses during the burst. */
  loop: LoopFigures;
}

/** One round: each receiver's burst. */
export interface AckRound {
  bare: AckFigures;
  patchbot: AckFigures;
}

/** Both receivers' figures. */
export interface AckResult {
  commands: number;
  concurrency: number;
  awsLatencyMs: number;
  /** The median round (by p99 ratio). */
  bare: AckFigures;
  patchbot: AckFigures;
  rounds: AckRound[];
  /** Answers patchbot posted after the acknowledgements (all of them, once the AWS calls finished). */
  answered: number;
}

/** The form fields of alice's `/patch status PRD public` in #prd-patching, as Slack sends them. */
export function statusCommandFields(slack: SlackStandIn): Record<string, string> {
  const ws = DEMO_WORKSPACE;
  return {
    token: ws.verificationToken,
    team_id: ws.team.id,
    team_domain: ws.team.domain,
    channel_id: DEMO_IDS.channels.prd,
    channel_name: 'prd-patching',
    user_id: DEMO_IDS.users.alice,
    user_name: 'alice',
    command: '/patch',
    text: 'status PRD public',
    api_app_id: DEMO_IDS.bot.appId,
    is_enterprise_install: 'false',
    // `public` answers in the channel; this URL would only carry an ephemeral error.
    response_url: `${slack.url}/response/bench`,
  };
}

function figures(run: { ms: number[]; failed: number }, loop: LoopFigures): AckFigures {
  return { ...latency(run.ms), failed: run.failed, loop };
}

/** The round whose patchbot/bare p99 ratio is the median (the upper one of an even count). */
export function medianRound(rounds: readonly AckRound[]): AckRound {
  return medianBy(rounds, (r) => r.patchbot.p99 / r.bare.p99);
}

/** Runs the acknowledgement benchmark. */
export async function benchAck(options: {
  commands: number;
  concurrency: number;
  awsLatencyMs: number;
  rounds: number;
  log: (line: string) => void;
}): Promise<AckResult> {
  const sim = await startRemoteSimulator({ seed: 1, latencyMs: options.awsLatencyMs });
  const botSlack = await startSlackStandIn({ signingSecret: SIGNING_SECRET, botToken: 'xoxb-bench' });
  const bareSlack = await startSlackStandIn({ signingSecret: SIGNING_SECRET, botToken: 'xoxb-bare' });
  const botOptions: BotProcessOptions = {
    config: 'demo',
    signingSecret: SIGNING_SECRET,
    botToken: 'xoxb-bench',
    slackApiUrl: botSlack.apiUrl,
    awsEndpoint: sim.url,
    accessKeyId: SANDBOX_ACCESS_KEY_ID,
  };
  const bot = await startChild<{ port: number }>('bot-process', botOptions, deployedNodeArgs(), deployedEnv());
  botSlack.setBotEventsUrl(`http://127.0.0.1:${bot.ready.port}/slack/events`);
  const bare = await startChild<{ port: number }>('bare-bolt-process', {
    signingSecret: SIGNING_SECRET,
    botToken: 'xoxb-bare',
    slackApiUrl: bareSlack.apiUrl,
  });
  bareSlack.setBotEventsUrl(`http://127.0.0.1:${bare.ready.port}/slack/events`);
  const load = await startChild<{ ready: boolean }>('load-process', {});
  // One burst, timed by the load process, with the receiver's own loop figures for the same span.
  const burst = async (receiver: typeof bot | typeof bare, slack: SlackStandIn, url: string, count: number) => {
    await receiver.request({ loop: 'reset' });
    const run = await load.request<{ ms: number[]; failed: number }>({
      url,
      signingSecret: SIGNING_SECRET,
      count,
      concurrency: options.concurrency,
      fields: statusCommandFields(slack),
    } satisfies LoadRequest);
    return figures(run, await receiver.request<LoopFigures>({ loop: 'read' }));
  };
  const botUrl = `http://127.0.0.1:${bot.ready.port}/slack/events`;
  const bareUrl = `http://127.0.0.1:${bare.ready.port}/slack/events`;
  try {
    // Warm both (JIT, sockets, the bot's AWS clients), then measure each in turn, `rounds` times.
    await burst(bare, bareSlack, bareUrl, options.concurrency);
    await burst(bot, botSlack, botUrl, options.concurrency);
    await waitQuiet(botSlack);
    const rounds: AckRound[] = [];
    let answered = 0;
    for (let i = 0; i < options.rounds; i++) {
      const bareRun = await burst(bare, bareSlack, bareUrl, options.commands);
      const from = botSlack.calls('chat.postMessage').length;
      const botRun = await burst(bot, botSlack, botUrl, options.commands);
      await botSlack.driver.waitFor(
        () => botSlack.calls('chat.postMessage').length - from >= options.commands,
        120_000,
        'every status answer',
      );
      answered += botSlack.calls('chat.postMessage').length - from;
      await waitQuiet(botSlack);
      rounds.push({ bare: bareRun, patchbot: botRun });
      options.log(
        `ack round ${i + 1}: bare Bolt p50 ${rounds[i]!.bare.p50} ms p99 ${rounds[i]!.bare.p99} ms; patchbot p50 ${rounds[i]!.patchbot.p50} ms p99 ${rounds[i]!.patchbot.p99} ms (bare CPU ${bareRun.loop.cpuMs} ms, patchbot CPU ${botRun.loop.cpuMs} ms, its loop delay max ${botRun.loop.loopDelayMax} ms, GC pause max ${botRun.loop.gcPauseMax} ms)`,
      );
    }
    // The round whose p99 ratio is the median stands for the run; every round is reported.
    const median = medianRound(rounds);
    return {
      commands: options.commands,
      concurrency: options.concurrency,
      awsLatencyMs: options.awsLatencyMs,
      bare: median.bare,
      patchbot: median.patchbot,
      rounds,
      answered,
    };
  } finally {
    await load.close();
    await bot.close();
    await bare.close();
    await botSlack.close();
    await bareSlack.close();
    await sim.close();
  }
}

/** Waits until the bot has answered every command sent so far (no work left from the warm-up). */
export async function waitQuiet(slack: SlackStandIn): Promise<void> {
  let last = -1;
  for (;;) {
    const now = slack.calls().length;
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}
