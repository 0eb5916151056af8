/**
 * The acknowledgement load in its own process: signed `/patch` slash commands (the form Slack
 * sends), `concurrency` in flight at a time, timed from sending to the receiver's HTTP answer.
 * Apart from the receivers and the Slack stand-in, so neither one's work shows up in the timings.
 */
import { slackSignature } from '../../packages/sandbox/src/slack/signing';
import { serveParent } from './child';
import { type LoopFigures, startLoopMonitor } from './loop-monitor';

/** One burst to fire. */
export interface LoadRequest {
  url: string;
  signingSecret: string;
  count: number;
  concurrency: number;
  /** The slash command's form fields (team, channel, user, text, response_url, ...). */
  fields: Record<string, string>;
  /** One response_url per command, as Slack gives each its own (one takes 5 POSTs); `fields.response_url` for all when absent. */
  responseUrls?: string[];
}

/** The load's own event loop and CPU over each burst: a late loop here would be counted as the receiver's latency. */
const monitor = startLoopMonitor();

/** One burst's latencies, failures, and the load process's own loop figures over it. */
export interface LoadRun {
  ms: number[];
  failed: number;
  loop: LoopFigures;
}

async function fire(r: LoadRequest): Promise<LoadRun> {
  monitor.reset();
  const ms: number[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < r.count) {
      const responseUrl = r.responseUrls?.[next];
      next += 1;
      const body = new URLSearchParams({
        ...r.fields,
        ...(responseUrl ? { response_url: responseUrl } : {}),
        trigger_id: `bench.${next}.${Date.now()}`,
      }).toString();
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(r.signingSecret, timestamp, body),
      };
      const started = performance.now();
      try {
        const res = await fetch(r.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        if (res.status !== 200) failed += 1;
      } catch {
        failed += 1;
      }
      ms.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: r.concurrency }, worker));
  return { ms, failed, loop: monitor.read() };
}

serveParent(
  { ready: true },
  (message) => fire(message as unknown as LoadRequest),
  async () => undefined,
);
