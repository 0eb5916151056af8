/**
 * `npm run sandbox`: serves the fleet simulator on 127.0.0.1 (port 4566 unless --port) and prints
 * the endpoint, the fleet, the env lines that point the AWS SDK at it and the admin endpoints.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../shared/logger';
import { BUCKET_NAME } from './s3/object-store';
import { startFleetSimulator, ADMIN_ENDPOINTS, type FleetSimulator, type SimulatorOptions } from './index';

/** The CLI's default port (LocalStack's, so existing habits carry over). */
export const DEFAULT_PORT = 4566;
/** Static keys for the banner; the simulator accepts any key and maps unknown ones to 123456789012. */
export const SANDBOX_ACCESS_KEY_ID = 'SANDBOXPATCHBOTKEY01';
const SANDBOX_SECRET = 'sandbox-secret-not-checked';

const USAGE = `Usage: npm run sandbox -- [options]
  --port N            port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --instances N       fleet size of the default partition (default: the 20-instance cast)
  --seed N            seed of the fleet and of injected faults (default 1)
  --latency MS        added latency per call
  --jitter MS         up to this much extra latency per call
  --throttle RPS      requests per second per account and region before ThrottlingException
  --throttle-rate F   fraction of calls throttled at random (0..1)
  --error-rate F      fraction of calls answered with a 500 (0..1)
  --pending-ms MS     how long a command invocation stays Pending (default 1000)
  --run-ms MS         how long it then runs (default 3000)
  --bucket NAME       an empty S3 bucket in 123456789012/us-east-1 (repeat for more; none by default)
  --verbose           log every call
  --help`;

/** Parsed command line: simulator options plus CLI-only flags. */
export interface CliArgs {
  options: SimulatorOptions & { port: number };
  verbose: boolean;
  help: boolean;
}

function number(
  name: string,
  text: string | undefined,
  range: { min: number; max?: number; integer?: boolean },
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  const bad =
    Number.isNaN(value) ||
    value < range.min ||
    (range.max !== undefined && value > range.max) ||
    (range.integer && !Number.isInteger(value));
  if (bad)
    throw new Error(
      `--${name} must be ${range.integer ? 'an integer' : 'a number'} >= ${range.min}${range.max !== undefined ? ` and <= ${range.max}` : ''}, got "${text}"`,
    );
  return value;
}

/** Reads the flags; throws an Error with a clear message for a bad one. */
export function parseCliArgs(argv: string[]): CliArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      instances: { type: 'string' },
      seed: { type: 'string' },
      latency: { type: 'string' },
      jitter: { type: 'string' },
      throttle: { type: 'string' },
      'throttle-rate': { type: 'string' },
      'error-rate': { type: 'string' },
      'pending-ms': { type: 'string' },
      'run-ms': { type: 'string' },
      bucket: { type: 'string', multiple: true },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  const pendingMs = number('pending-ms', values['pending-ms'], { min: 0, integer: true });
  const runMs = number('run-ms', values['run-ms'], { min: 0, integer: true });
  const options = defined({
    port: number('port', values.port, { min: 0, max: 65535, integer: true }) ?? DEFAULT_PORT,
    instances: number('instances', values.instances, { min: 0, max: 1_000_000, integer: true }),
    seed: number('seed', values.seed, { min: 0, integer: true }),
    latencyMs: number('latency', values.latency, { min: 0 }),
    jitterMs: number('jitter', values.jitter, { min: 0 }),
    throttleRps: number('throttle', values.throttle, { min: 0 }),
    throttleRate: number('throttle-rate', values['throttle-rate'], { min: 0, max: 1 }),
    errorRate: number('error-rate', values['error-rate'], { min: 0, max: 1 }),
    timing: pendingMs !== undefined || runMs !== undefined ? defined({ pendingMs, runMs }) : undefined,
    buckets: values.bucket?.map((name) => {
      if (!BUCKET_NAME.test(name))
        throw new Error(`--bucket must be a valid S3 bucket name (3 to 63 of a-z 0-9 . -), got "${name}"`);
      return { name };
    }),
  });
  return { options, verbose: values.verbose ?? false, help: values.help ?? false };
}

/** The banner: endpoint, fleet summary with the build time, env lines and admin endpoints. */
export function formatBanner(sim: FleetSimulator): string {
  const lines = [`patchbot fleet simulator listening on ${sim.url}`, ''];
  const partitions = sim.summary();
  const instances = partitions.reduce((n, p) => n + p.instances, 0);
  lines.push(
    `Fleet: ${instances} instances in ${partitions.length} partition(s), built in ${Math.round(sim.buildMs())} ms`,
  );
  for (const p of partitions) {
    lines.push(`  ${p.account}/${p.region}: ${p.instances} instances`);
    const groups = Object.entries(p.groups).map(([g, n]) => `${g} ${n}`);
    if (groups.length) lines.push(`    patch groups: ${groups.join(', ')}`);
    for (const w of p.windows) lines.push(`    window ${w.name} (${w.id}) ${w.schedule}`);
    const own = p.baselines.filter((b) => !b.id.startsWith('arn:'));
    if (own.length) lines.push(`    baselines: ${own.map((b) => `${b.name} (${b.id})`).join(', ')}`);
  }
  lines.push(
    '',
    'Point the AWS SDK (or the AWS CLI) at it:',
    `  export AWS_ENDPOINT_URL=${sim.url}`,
    '  export AWS_REGION=us-east-1',
    `  export AWS_ACCESS_KEY_ID=${SANDBOX_ACCESS_KEY_ID}`,
    `  export AWS_SECRET_ACCESS_KEY=${SANDBOX_SECRET}`,
    '',
    'Admin endpoints (JSON):',
    ...ADMIN_ENDPOINTS.map((e) => `  ${e}`),
    '',
    'Ctrl-C stops it.',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const logger = createLogger({ level: args.verbose ? 'debug' : 'warn' });
  const sim = await startFleetSimulator({ ...args.options, logger });
  process.stdout.write(`${formatBanner(sim)}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the fleet simulator\n`);
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    process.stderr.write(
      code === 'EADDRINUSE' ? `The port is in use; pick another with --port N.\n` : `${String(err)}\n`,
    );
    process.exit(1);
  });
}
