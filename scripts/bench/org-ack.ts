/**
 * Acknowledgement latency while the organisation's compliance poll runs: one burst of signed
 * `/patch help` commands to a bare Bolt app, then one to the bot with a poll of the whole fleet in
 * flight. `help` answers without AWS, so the burst adds no reads of its own and the figure is
 * the poll's effect on the bot's event loop.
 */
import { startSlackStandIn, type SlackStandIn } from '../../packages/sandbox/src/slack';
import { statusCommandFields } from './ack';
import { type ChildPart, startChild } from './child';
import type { LoadRequest } from './load-process';
import type { LoopFigures } from './loop-monitor';
import { latency, type Latency } from './stats';

/** The two bursts' figures. */
export interface OrgAck {
  commands: number;
  concurrency: number;
  bare: Latency & { failed: number };
  underLoad: Latency & { failed: number };
  /** The poll's wall time, and whether it was still running when the burst ended. */
  pollMs: number;
  pollOutlastedBurst: boolean;
  /** The bot's own CPU, event-loop delay and GC over the poll and the burst together. */
  botLoop: LoopFigures;
}

type Load = ChildPart<{ ready: boolean }>;

async function burst(
  load: Load,
  url: string,
  signingSecret: string,
  slack: SlackStandIn,
  count: number,
  concurrency: number,
): Promise<{ ms: number[]; failed: number }> {
  return load.request({
    url,
    signingSecret,
    count,
    concurrency,
    fields: { ...statusCommandFields(slack), text: 'help' },
  } satisfies LoadRequest);
}

/** Times the bare app's burst, then the bot's during a compliance poll it runs. */
export async function ackUnderPoll(options: {
  bot: ChildPart<{ port: number }>;
  botSlack: SlackStandIn;
  signingSecret: string;
  commands: number;
  concurrency: number;
}): Promise<OrgAck> {
  const { bot, botSlack, signingSecret, commands, concurrency } = options;
  const bareSlack = await startSlackStandIn({ signingSecret, botToken: 'xoxb-bare' });
  const bare = await startChild<{ port: number }>('bare-bolt-process', {
    signingSecret,
    botToken: 'xoxb-bare',
    slackApiUrl: bareSlack.apiUrl,
  });
  bareSlack.setBotEventsUrl(`http://127.0.0.1:${bare.ready.port}/slack/events`);
  const load = await startChild<{ ready: boolean }>('load-process', {});
  const bareUrl = `http://127.0.0.1:${bare.ready.port}/slack/events`;
  const botUrl = `http://127.0.0.1:${bot.ready.port}/slack/events`;
  try {
    // Warm both (JIT, sockets), then one measured burst each.
    await burst(load, bareUrl, signingSecret, bareSlack, concurrency, concurrency);
    await burst(load, botUrl, signingSecret, botSlack, concurrency, concurrency);
    const bareRun = await burst(load, bareUrl, signingSecret, bareSlack, commands, concurrency);
    // Read once the poll has answered: the child answers in the order it finishes, not the order asked.
    await bot.request({ loop: 'reset' });
    const started = performance.now();
    let pollEnded = false;
    const poll = bot.request({ job: 'compliance-poll' }).then(() => {
      pollEnded = true;
    });
    // Let the poll's reads get going before the burst starts.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const botRun = await burst(load, botUrl, signingSecret, botSlack, commands, concurrency);
    const pollOutlastedBurst = !pollEnded;
    await poll;
    const pollMs = Math.round(performance.now() - started);
    const botLoop = await bot.request<LoopFigures>({ loop: 'read' });
    return {
      commands,
      concurrency,
      bare: { ...latency(bareRun.ms), failed: bareRun.failed },
      underLoad: { ...latency(botRun.ms), failed: botRun.failed },
      pollMs,
      pollOutlastedBurst,
      botLoop,
    };
  } finally {
    await load.close();
    await bare.close();
    await bareSlack.close();
  }
}
