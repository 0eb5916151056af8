/**
 * `npm run bench:poll`: AWS calls made by one compliance poll of a 10,000-instance fleet, with no
 * change and with 1% of the instances changed, against the fleet simulator. Prints a table.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFleet } from '../src/aws';
import { parseConfigText } from '../src/config';
import { silentLogger } from '../src/logger';
import { pollCompliance } from '../src/patching/poll';
import { startFleetSimulator } from '@patchbot/sandbox/aws';
import { openStore } from '../src/store';
import { systemClock } from '../src/clock';

const INSTANCES = Number(process.argv[2] ?? 10_000);

async function main(): Promise<void> {
  const sim = await startFleetSimulator({ port: 0, seed: 11, instances: INSTANCES });
  const config = parseConfigText(
    'groups:\n  STG: { channel: C0STG, operators: [U0A] }\n  PRD: { channel: C0PRD, operators: [U0A] }\n',
    'bench.yml',
    {},
  );
  const logger = silentLogger();
  const fleet = createFleet(config.aws.scopes, logger, {
    endpoint: sim.url,
    credentials: { accessKeyId: 'SANDBOXBENCHKEY00001', secretAccessKey: 'x' },
    // The poll's calls and work are measured here, not the default request budget (5/s) pacing them.
    rateLimit: { requestsPerSecond: 10_000, burst: 10_000 },
  });
  const store = await openStore({ path: join(mkdtempSync(join(tmpdir(), 'patchbot-bench-')), 'bench.db'), logger });
  const deps = { store, gateways: fleet.gateways, groups: config.groups, clock: systemClock, logger };
  const pollAll = async () => {
    sim.resetStats();
    const started = performance.now();
    for (const group of config.groups) await pollCompliance(deps, group);
    return { ms: Math.round(performance.now() - started), calls: { ...sim.stats().calls } };
  };
  try {
    await pollAll(); // the first poll records the snapshot
    const quiet = await pollAll();
    const prd = sim.summary()[0]!.groups.PRD ?? 0;
    const stg = sim.summary()[0]!.groups.STG ?? 0;
    const changed = Math.round((prd + stg) / 100);
    const fleetIds = (
      await fleet.gateways[0]!.listPatchStates({
        tagKey: 'Patch Group',
        tagValue: 'PRD',
        operatingSystem: 'AMAZON_LINUX_2',
      })
    ).map((s) => s.instanceId);
    sim.releasePatch({
      title: 'ALAS2-2026-BENCH',
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 40,
      instanceIds: fleetIds.slice(0, changed),
      rescan: true,
    });
    const busy = await pollAll();
    const ops = [...new Set([...Object.keys(quiet.calls), ...Object.keys(busy.calls)])].sort();
    const rows = ops.map((op) => `| ${op} | ${quiet.calls[op] ?? 0} | ${busy.calls[op] ?? 0} |`);
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    process.stdout.write(
      [
        `Compliance poll of STG (${stg}) and PRD (${prd}) in a ${INSTANCES}-instance fleet; ${changed} instances changed in the second case.`,
        '',
        '| AWS operation | no change | 1% changed |',
        '| --- | --- | --- |',
        ...rows,
        `| total | ${total(quiet.calls)} | ${total(busy.calls)} |`,
        `| wall time (ms) | ${quiet.ms} | ${busy.ms} |`,
        '',
      ].join('\n'),
    );
  } finally {
    fleet.close();
    await store.close();
    await sim.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
