/** The simulator-scale benchmark in its own process (started with --expose-gc): its fleet's heap stays out of the caller's. Options as JSON in argv[2]. */
import { serveParent } from './child';
import { benchSimulatorScale } from './simulator-scale';

const options = JSON.parse(process.argv[2] ?? '{}') as { instances: number; samples?: number };
serveParent(
  { ready: true },
  () => benchSimulatorScale({ ...options, log: (line) => process.stderr.write(`${line}\n`) }),
  async () => {},
);
