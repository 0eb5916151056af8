/** The fleet simulator in its own process, for the benchmark. Options as JSON in argv[2]. */
import { startFleetSimulator, type SimulatorOptions } from '../../packages/sandbox/src/aws';
import { serveParent } from './child';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
  const sim = await startFleetSimulator({ ...options, port: 0 });
  serveParent(
    { url: sim.url, buildMs: Math.round(sim.buildMs()) },
    async () => ({}),
    () => sim.close(),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator process failed: ${String(err)}\n`);
  process.exit(1);
});
