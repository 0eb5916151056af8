/**
 * `npm run bench`: acknowledgement latency against a bare Bolt app, status / poll / digest for a
 * 10,000-instance fleet over 2 accounts x 2 regions (plain and throttled), the digest to 30
 * channels, the digest's chart of 30 groups over 30 days, and one replica on SQLite against three on
 * PostgreSQL, and organisation scale (20 scopes at `--sizes`, default 10k, 30k and 100k instances,
 * after the fleet simulator's own build and page times at the largest size).
 * Prints each figure as it comes and writes docs/benchmarks.md; `--only replicas`, `--only charts` or
 * `--only history` (the compliance history's size on disk and write time, 10,000 instances x 400
 * days) runs that section alone and writes nothing; `--only org` runs that section alone and
 * replaces only its part of docs/benchmarks.md (between the org-scale markers; not with `--no-write`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchAck } from './bench/ack';
import { benchDigestChannels } from './bench/digest-channels';
import { benchFleet } from './bench/fleet';
import { benchHistory, renderHistory } from './bench/history';
import { benchOrgScale } from './bench/org-scale';
import { renderSimulatorScale, simulatorScaleInChild } from './bench/simulator-scale';
import { markedOrgSection, renderOrgScale, replaceOrgSection } from './bench/org-report';
import { benchReplicas } from './bench/replicas';
import { benchCharts, renderCharts } from './bench/charts';
import { TARGETS, renderReplicas, renderReport } from './bench/report';
import { projectRoot } from './bench/root';
import { killAllBots } from './support/bot-process';

// The replica section's bot processes are killed whatever ends the run; a signal ends it through exit.
process.on('exit', killAllBots);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string', default: '10000' },
      commands: { type: 'string', default: '500' },
      approvals: { type: 'string', default: '15' },
      only: { type: 'string' },
      sizes: { type: 'string', default: '10000,30000,100000' },
      'no-write': { type: 'boolean', default: false },
      'cpu-prof-dir': { type: 'string' },
    },
  });
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const instances = Number(values.instances);
  const sectionNames = ['replicas', 'charts', 'history', 'org'];
  if (values.only !== undefined && !sectionNames.includes(values.only))
    throw new Error(`--only knows ${sectionNames.join(', ')}, not ${values.only}`);
  const runHistory = () => benchHistory({ instances, days: 400, log });
  if (values.only === 'history') {
    log('');
    log(renderHistory(await runHistory()).join('\n'));
    return;
  }
  const command = `npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const docPath = join(projectRoot(), 'docs', 'benchmarks.md');
  const sizes = values.sizes.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 20))
    throw new Error(`--sizes takes instance counts, not ${values.sizes}`);
  const runOrg = async () => {
    // The instrument first: the simulator at the largest size, in a process of its own.
    const simulator = await simulatorScaleInChild(Math.max(...sizes));
    const org = await benchOrgScale({ sizes, throttleRps: 5, log, cpuProfileDir: values['cpu-prof-dir'] });
    const date = new Date().toISOString().slice(0, 10);
    return markedOrgSection([...renderOrgScale(org, { date, command }), ...renderSimulatorScale(simulator)]);
  };
  if (values.only === 'org') {
    const section = await runOrg();
    log('');
    log(section);
    if (!values['no-write']) {
      writeFileSync(docPath, replaceOrgSection(readFileSync(docPath, 'utf8'), section));
      log('wrote the organisation section of docs/benchmarks.md');
    }
    return;
  }
  const runCharts = () => benchCharts({ groups: 30, days: 30, runs: 7, log });
  if (values.only === 'charts') {
    const charts = await runCharts();
    log('');
    log(renderCharts(charts, TARGETS.chartMs).join('\n'));
    return;
  }
  const runReplicas = () =>
    benchReplicas({
      commands: Number(values.commands),
      concurrency: 50,
      bursts: 3,
      approvals: Number(values.approvals),
      awsLatencyMs: 200,
      log,
    });
  if (values.only === 'replicas') {
    log('');
    log(renderReplicas(await runReplicas()).join('\n'));
    return;
  }
  const ack = await benchAck({ commands: Number(values.commands), concurrency: 50, awsLatencyMs: 200, rounds: 5, log });
  const fleet = await benchFleet({ instances, latencyMs: 20, throttleRps: [20, 5], repeats: 3, log });
  const digest = await benchDigestChannels({ count: 30, injected429: 3, log });
  const charts = await runCharts();
  const replicas = await runReplicas();
  const history = await runHistory();
  const org = await runOrg();
  const sections = renderReport(
    {
      date: new Date().toISOString().slice(0, 10),
      command,
      cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      os: `${type()} ${release()}`,
    },
    ack,
    fleet,
    digest,
    replicas,
    charts,
  );
  const report = [sections, ...renderHistory(history), org, ''].join('\n');
  log('');
  log(report);
  if (!values['no-write']) {
    writeFileSync(docPath, report);
    log('wrote docs/benchmarks.md');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
