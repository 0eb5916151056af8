/**
 * The daily digest posted to many channels at once through a Slack that enforces its rate limits
 * (the stand-in with `rateLimits: true`, plus a few forced 429s): Slack calls made, 429s seen, and
 * whether every channel got its digest exactly once.
 */
import { SANDBOX_ACCESS_KEY_ID } from '../../packages/sandbox/src/aws/cli';
import { DEMO_IDS, DEMO_WORKSPACE, startSlackStandIn } from '../../packages/sandbox/src/slack';
import type { BotProcessOptions } from './bot-process';
import { deployedEnv, deployedNodeArgs } from './deployed-node-args';
import { startChild } from './child';
import { digestChannels } from './fleet-config';
import { startRemoteSimulator } from './remote-simulator';

/** What the digest run showed. */
export interface DigestResult {
  channels: number;
  slackCalls: number;
  rateLimited: number;
  posted: number;
  /** Channels that got more than one digest (should be 0). */
  duplicates: number;
  wallMs: number;
}

/** Runs the digest job once for `count` channels. */
export async function benchDigestChannels(options: {
  count: number;
  injected429: number;
  log: (line: string) => void;
}): Promise<DigestResult> {
  const channels = digestChannels(options.count);
  const everyone = DEMO_WORKSPACE.users.map((u) => u.id);
  const workspace = {
    ...DEMO_WORKSPACE,
    channels: [
      ...DEMO_WORKSPACE.channels,
      ...channels.map((id, i) => ({ id, name: `patching-${i + 1}`, members: [DEMO_IDS.bot.userId, ...everyone] })),
    ],
  };
  const sim = await startRemoteSimulator({ seed: 1 });
  const slack = await startSlackStandIn({ signingSecret: 'bench-signing-secret', botToken: 'xoxb-bench', workspace });
  slack.configure({ rateLimits: true });
  const botOptions: BotProcessOptions = {
    config: 'digest',
    digestChannels: options.count,
    signingSecret: 'bench-signing-secret',
    botToken: 'xoxb-bench',
    slackApiUrl: slack.apiUrl,
    awsEndpoint: sim.url,
    accessKeyId: SANDBOX_ACCESS_KEY_ID,
  };
  const bot = await startChild<{ port: number }>('bot-process', botOptions, deployedNodeArgs(), deployedEnv());
  try {
    // Besides Slack's own per-channel limit, a few 429s up front show they are waited out, not lost.
    if (options.injected429 > 0) slack.rateLimitNext('chat.postMessage', 1, options.injected429);
    const from = slack.calls().length;
    const started = performance.now();
    await bot.request({ job: 'digest' });
    const wallMs = Math.round(performance.now() - started);
    const calls = slack.calls().slice(from);
    const postedTo = calls
      .filter((c) => c.method === 'chat.postMessage' && c.status === 200 && c.response.ok === true)
      .map((c) => String(c.args.channel));
    const posted = new Set(postedTo);
    const result: DigestResult = {
      channels: options.count,
      slackCalls: calls.length,
      rateLimited: calls.filter((c) => c.status === 429).length,
      posted: channels.filter((c) => posted.has(c)).length,
      duplicates: postedTo.length - posted.size,
      wallMs,
    };
    options.log(
      `digest to ${result.channels} channels: ${result.slackCalls} Slack calls, ${result.rateLimited} answered 429, ${result.posted} posted, ${wallMs} ms`,
    );
    return result;
  } finally {
    await bot.close();
    await slack.close();
    await sim.close();
  }
}
