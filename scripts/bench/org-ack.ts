/**
 * Acknowledgement latency while the organisation's compliance poll runs: bursts of signed
 * `/patch help` commands to a bare Bolt app, to the idle bot, and to the bot with a poll of the whole
 * fleet in flight. `help` answers without AWS, so the burst adds no reads of its own and the figure is
 * the poll's effect on the bot's event loop.
 */
import { startSlackStandIn, type SlackStandIn } from '../../packages/sandbox/src/slack';
import { statusCommandFields, waitQuiet } from './ack';
import { type ChildPart, startChild } from './child';
import type { LoadRequest, LoadRun } from './load-process';
import { type LoopFigures, startLoopMonitor } from './loop-monitor';
import { latency, medianBy, type Latency } from './stats';

/** One round's bursts: the bare app's, the bot's while idle, the bot's during a poll. */
export interface OrgAckRound {
  bare: Latency & { failed: number };
  /** The bot with nothing else to do: its own cost per command, apart from the poll's. */
  idle: Latency & { failed: number };
  underLoad: Latency & { failed: number };
  /** The bare app's own CPU, event-loop delay, GC and in-process answer times over its burst. */
  bareLoop: LoopFigures;
  /** The bot's own CPU, event-loop delay and GC over the idle burst alone. */
  idleLoop: LoopFigures;
  /** The poll's wall time, and whether it was still running when the burst ended. */
  pollMs: number;
  pollOutlastedBurst: boolean;
  /** The bot's own CPU, event-loop delay and GC over the poll and the burst together. */
  botLoop: LoopFigures;
  /** Over each burst, the load process's loop (it times every command) and this process's (the Slack stand-ins that take the answers). */
  senders: Record<'bare' | 'idle' | 'underLoad', SenderLoops>;
}

/** The loops on the far side of a burst: a late one adds to every latency measured, whichever receiver it is. */
export interface SenderLoops {
  load: LoopFigures;
  standIn: LoopFigures;
}

/** The three bursts of a round, in the order they run. */
export const BURSTS = ['bare', 'idle', 'underLoad'] as const;

/** One sender-side figure over each burst of the round, in BURSTS order. */
export function senderFigures(round: OrgAckRound, side: keyof SenderLoops, figure: 'loopDelayMax' | 'cpuMs'): number[] {
  return BURSTS.map((burst) => round.senders[burst][side][figure]);
}

/** Each receiver's own p99 per request over its burst (bare, idle bot, bot during the poll); undefined where it served none. */
export function servedP99s(round: OrgAckRound): Array<number | undefined> {
  return [round.bareLoop, round.idleLoop, round.botLoop].map((loop) => loop.served?.p99);
}

/** Every round, and the median one's figures (by the ratio of the bot's p99 during the poll to the bare app's). */
export interface OrgAck extends OrgAckRound {
  commands: number;
  concurrency: number;
  rounds: OrgAckRound[];
}

type Load = ChildPart<{ ready: boolean }>;

/** This process's loop: it serves the Slack stand-ins the bot's answers go to. */
const standInLoop = startLoopMonitor();

async function burst(
  load: Load,
  url: string,
  signingSecret: string,
  slack: SlackStandIn,
  count: number,
  concurrency: number,
): Promise<{ ms: number[]; failed: number; loops: SenderLoops }> {
  const fields: Record<string, string> = { ...statusCommandFields(slack), text: 'help' };
  // Each command its own response_url, as Slack issues them: the bot's answers land instead of failing.
  const responseUrls = Array.from({ length: count }, () =>
    slack.issueCommandResponseUrl(fields.user_id ?? '', fields.channel_id ?? ''),
  );
  standInLoop.reset();
  const run = await load.request<LoadRun>({
    url,
    signingSecret,
    count,
    concurrency,
    fields,
    responseUrls,
  } satisfies LoadRequest);
  return { ms: run.ms, failed: run.failed, loops: { load: run.loop, standIn: standInLoop.read() } };
}

/**
 * Rounds of: the bare app's burst, the idle bot's, then the bot's during a compliance poll it runs.
 * One burst's p99 moves by a factor of two from run to run on a shared machine, so the figure is the median round's.
 */
export async function ackUnderPoll(options: {
  bot: ChildPart<{ port: number }>;
  botSlack: SlackStandIn;
  signingSecret: string;
  commands: number;
  concurrency: number;
  rounds: number;
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
  const figures = (run: { ms: number[]; failed: number }) => ({ ...latency(run.ms), failed: run.failed });
  try {
    // Warm both with a burst as large as a measured one, and let the bot finish answering it. With a
    // warm-up of one wave (`concurrency`), the first round's idle burst was the slowest of its run in
    // every org run of 2026-12-03 and -04 (p99 1.25x to 7.2x the later rounds'), though no poll ran in
    // it: a cost of the bot's first full burst after sitting idle through the throttled run, not the poll's.
    await burst(load, bareUrl, signingSecret, bareSlack, commands, concurrency);
    await burst(load, botUrl, signingSecret, botSlack, commands, concurrency);
    await waitQuiet(botSlack);
    const rounds: OrgAckRound[] = [];
    for (let i = 0; i < options.rounds; i++) {
      await bare.request({ loop: 'reset' });
      const bareRun = await burst(load, bareUrl, signingSecret, bareSlack, commands, concurrency);
      const bareLoop = await bare.request<LoopFigures>({ loop: 'read' });
      await bot.request({ loop: 'reset' });
      const idleRun = await burst(load, botUrl, signingSecret, botSlack, commands, concurrency);
      const idleLoop = await bot.request<LoopFigures>({ loop: 'read' });
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
      rounds.push({
        bare: figures(bareRun),
        idle: figures(idleRun),
        underLoad: figures(botRun),
        bareLoop,
        idleLoop,
        pollMs: Math.round(performance.now() - started),
        pollOutlastedBurst,
        botLoop: await bot.request<LoopFigures>({ loop: 'read' }),
        senders: { bare: bareRun.loops, idle: idleRun.loops, underLoad: botRun.loops },
      });
    }
    const median = medianBy(rounds, (r) => r.underLoad.p99 / r.bare.p99);
    return { ...median, commands, concurrency, rounds };
  } finally {
    await load.close();
    await bare.close();
    await bareSlack.close();
  }
}
