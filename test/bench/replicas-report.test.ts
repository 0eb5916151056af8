import { renderReport, renderReplicas } from '../../scripts/bench/report';
import type { ReplicaResult, ReplicaRow } from '../../scripts/bench/replicas';
import { latency } from '../../scripts/bench/stats';

function row(setup: string, sendP99: number, failed = 0): ReplicaRow {
  return {
    setup,
    replicas: 1,
    backend: 'sqlite',
    ack: { p50: 60, p99: 150, max: 160, commands: 1500, failed },
    ackP99s: [150, 140, 155],
    approvalToSend: { p50: sendP99 / 2, p99: sendP99, max: sendP99 },
    clickAck: { p50: 7, p99: 9, max: 9 },
    approvals: 15,
    onFollower: 10,
  };
}
const result = (rows: ReplicaRow[]): ReplicaResult => ({
  commands: 500,
  concurrency: 50,
  bursts: 3,
  awsLatencyMs: 200,
  rows,
});

describe('latency', () => {
  it('gives nearest-rank p50 and p99 and the max, to one decimal', () => {
    const ms = Array.from({ length: 100 }, (_, i) => i + 1.04);
    expect(latency(ms)).toEqual({ p50: 50, p99: 99, max: 100 }); // 50.04, 99.04 and 100.04 rounded
  });
});

describe('renderReplicas', () => {
  it('puts the set-ups side by side, one table row each, with every burst p99 and where the clicks landed', () => {
    const lines = renderReplicas(result([row('1 replica on SQLite', 40), row('3 replicas on PostgreSQL', 90)]));
    const rows = lines.filter((l) => /^\| \d replicas? on/.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('| 90 ms |');
    expect(rows[1]).toContain('150 / 140 / 155 ms');
    expect(rows[1]).toContain('10 of 15');
  });
});

describe('the summary rows of the replica section', () => {
  const summaryOf = (rows: ReplicaRow[]) => {
    const machine = { date: 'd', command: 'c', cpu: 'cpu', cores: 2, memoryGb: 1, node: 'v', os: 'os' };
    const loop = { cpuMs: 0, loopDelayP99: 0, loopDelayMax: 0, gcPauseMax: 0, fullGcs: 0, fullGcMs: 0 };
    const f = { p50: 1, p99: 1, max: 1, failed: 0, loop };
    const ack = { commands: 1, concurrency: 1, awsLatencyMs: 0, bare: f, patchbot: f, rounds: [], answered: 0 };
    const fleet = { instances: 1, latencyMs: 0, repeats: 1, rows: [], peakRssMb: 1, nodeArgs: [] };
    const digest = { channels: 1, slackCalls: 1, rateLimited: 0, posted: 1, duplicates: 0, wallMs: 1 };
    const text = renderReport(machine, ack, fleet as never, digest as never, result(rows));
    return text.split('\n').filter((l) => l.includes('approval-to-send p99 under'));
  };

  it('meets the target under 2 s with no failed acknowledgement, and misses it otherwise', () => {
    const lines = summaryOf([row('fast', 1999), row('slow', 2000), row('failing', 50, 1)]);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/\| met \|$/);
    expect(lines[1]).toMatch(/\*\*missed\*\*/);
    expect(lines[2]).toMatch(/\*\*missed\*\*/);
  });
});
