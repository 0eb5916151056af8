/**
 * Replicas side by side, in one run: one replica on SQLite and three on PostgreSQL (one fresh
 * database on a throw-away server this section starts, or on PATCHBOT_BENCH_DATABASE_URL's server),
 * each set behind the same round-robin balancer. For each: acknowledgement latency of signed
 * `/patch status PRD public` bursts through the balancer (timed by the load process), then
 * approval-to-send latency of PRD installs. Every process and the server are stopped at the end,
 * on failure too.
 */
import { startChild } from './child';
import { statusCommandFields, waitQuiet } from './ack';
import { approvalRounds, type ApprovalRound } from './approval-latency';
import type { LoadRequest } from './load-process';
import { FRONT_SIGNING_SECRET, startReplicaFront, type ReplicaFront } from './replica-front';
import { latency, type Latency } from './stats';
import { createDatabase, startPostgres, stopPostgres } from '../support/postgres-server';

/** One set-up's figures. */
export interface ReplicaRow {
  setup: string;
  replicas: number;
  backend: 'sqlite' | 'postgres';
  /** Acknowledgement of the status commands, over every burst together. */
  ack: Latency & { commands: number; failed: number };
  /** Each burst's p99, in order. */
  ackP99s: number[];
  /** From the Approve click to the SendCommand in the simulator's journal. */
  approvalToSend: Latency;
  /** The click's own acknowledgement. */
  clickAck: Latency;
  approvals: number;
  /** Clicks that landed on a replica that does not lead. */
  onFollower: number;
}

/** The whole section. */
export interface ReplicaResult {
  commands: number;
  concurrency: number;
  bursts: number;
  awsLatencyMs: number;
  rows: ReplicaRow[];
}

/** What the section is asked to do. */
export interface ReplicaOptions {
  commands: number;
  concurrency: number;
  bursts: number;
  approvals: number;
  awsLatencyMs: number;
  log: (line: string) => void;
}

/** Runs the section: SQLite first, then PostgreSQL. */
export async function benchReplicas(options: ReplicaOptions): Promise<ReplicaResult> {
  const rows: ReplicaRow[] = [];
  const load = await startChild<{ ready: boolean }>('load-process', {});
  try {
    rows.push(await measure('1 replica on SQLite', 1, 'sqlite', options, load));
    rows.push(await onPostgres(options.log, (url) => measure('3 replicas on PostgreSQL', 3, { url }, options, load)));
  } finally {
    await load.close();
  }
  const { commands, concurrency, bursts, awsLatencyMs } = options;
  return { commands, concurrency, bursts, awsLatencyMs, rows };
}

/** Runs `use` with a fresh database (replicas, history): on PATCHBOT_BENCH_DATABASE_URL's server if set, else on one started here. */
export async function onPostgres<T>(log: (line: string) => void, use: (url: string) => Promise<T>): Promise<T> {
  const given = process.env.PATCHBOT_BENCH_DATABASE_URL;
  const server = given ? undefined : await startPostgres(log);
  // Whatever ends this process (an error, Ctrl-C) stops the server too.
  const stopAtExit = () => server && stopPostgres(server);
  process.once('exit', stopAtExit);
  try {
    const db = await createDatabase(given ?? server!.url, 'patchbot_bench');
    try {
      return await use(db.url);
    } finally {
      await db.drop();
    }
  } finally {
    process.removeListener('exit', stopAtExit);
    stopAtExit();
  }
}

async function measure(
  setup: string,
  count: number,
  database: { url: string } | 'sqlite',
  options: ReplicaOptions,
  load: Awaited<ReturnType<typeof startChild>>,
): Promise<ReplicaRow> {
  const { log } = options;
  const front = await startReplicaFront({ count, database, awsLatencyMs: options.awsLatencyMs });
  let failed = true;
  try {
    const leader = await front.leader();
    log(`replicas: ${setup} up (${front.bots.map((b) => b.name).join(', ')}; ${leader.name} leads)`);
    const burst = (n: number) => ackBurst(front, load, n, options.concurrency);
    await burst(options.concurrency); // warm-up: JIT, sockets, each replica's AWS clients
    const ms: number[] = [];
    const p99s: number[] = [];
    let ackFailed = 0;
    for (let i = 0; i < options.bursts; i++) {
      const run = await burst(options.commands);
      ms.push(...run.ms);
      ackFailed += run.failed;
      const f = latency(run.ms);
      p99s.push(f.p99);
      log(
        `replicas: ${setup} ack burst ${i + 1}: p50 ${f.p50} ms p99 ${f.p99} ms max ${f.max} ms, ${run.failed} failed`,
      );
    }
    // Installs are timed without added AWS latency: the figure is patchbot's own hand-off, not the network's.
    await front.sim.configure({ latencyMs: 0 });
    const rounds = await approvalRounds(front, options.approvals, (r, i) =>
      log(
        `replicas: ${setup} approval ${i + 1}: click acknowledged in ${r.ackMs.toFixed(1)} ms, sent ${r.sendMs.toFixed(1)} ms after it (click on ${r.onFollower ? 'a follower' : 'the leader'})`,
      ),
    );
    const row = toRow(setup, count, database, ms, ackFailed, p99s, rounds);
    log(
      `replicas: ${setup}: ack p99 ${row.ack.p99} ms; approval-to-send p50 ${row.approvalToSend.p50} ms p99 ${row.approvalToSend.p99} ms max ${row.approvalToSend.max} ms`,
    );
    failed = false;
    return row;
  } finally {
    await front.close(failed);
  }
}

/** One burst of `count` status commands through the balancer; waits until every one was answered in the channel. */
async function ackBurst(
  front: ReplicaFront,
  load: Awaited<ReturnType<typeof startChild>>,
  count: number,
  concurrency: number,
): Promise<{ ms: number[]; failed: number }> {
  const from = front.slack.calls('chat.postMessage').length;
  const run = await load.request<{ ms: number[]; failed: number }>({
    url: front.proxy.url('/slack/events'),
    signingSecret: FRONT_SIGNING_SECRET,
    count,
    concurrency,
    fields: statusCommandFields(front.slack),
  } satisfies LoadRequest);
  await front.slack.driver.waitFor(
    () => front.slack.calls('chat.postMessage').length - from >= count - run.failed,
    120_000,
    'every status answer',
  );
  await waitQuiet(front.slack);
  return run;
}

function toRow(
  setup: string,
  count: number,
  database: { url: string } | 'sqlite',
  ms: number[],
  failed: number,
  ackP99s: number[],
  rounds: ApprovalRound[],
): ReplicaRow {
  return {
    setup,
    replicas: count,
    backend: database === 'sqlite' ? 'sqlite' : 'postgres',
    ack: { ...latency(ms), commands: ms.length, failed },
    ackP99s,
    approvalToSend: latency(rounds.map((r) => r.sendMs)),
    clickAck: latency(rounds.map((r) => r.ackMs)),
    approvals: rounds.length,
    onFollower: rounds.filter((r) => r.onFollower).length,
  };
}
