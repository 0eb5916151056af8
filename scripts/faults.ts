/**
 * `npm run test:faults`: the fault suite. Runs the real bot (`node --import tsx src/main.ts`,
 * configured through its environment) as child processes against the AWS fleet simulator and the
 * Slack stand-in (both in this process, on 127.0.0.1), injects faults (SIGKILL at each step of an
 * approved change, lost / delayed / hung AWS answers, Slack unreachable, a rolling restart, forged
 * and replayed requests, fuzzed commands) and counts the side effects. One line per case, then
 * `N passed, N failed`; exits 1 on any failure.
 *
 *   npm run test:faults                         every case (about 15 minutes)
 *   npm run test:faults -- --quick              the CI subset (a few minutes)
 *   npm run test:faults -- --case kill-on-the-wire   cases whose name contains the words (a whole name: that case alone; repeatable)
 *   npm run test:faults -- --list               the cases and what each expects
 *   options: --keep (keep every case's state file and bot logs), --fuzz N, --seed N, --outage-seconds N
 */
import { parseArgs } from 'node:util';
import type { FaultCase, Outcome, Reference, RunContext } from './faults/case';
import { CHANGE_CASES, cleanChange } from './faults/changes';
import { fuzzCase } from './faults/fuzz';
import { REQUEST_CASES } from './faults/requests';
import { World, killAllBots } from './faults/world';

const CASES: FaultCase[] = [...CHANGE_CASES, ...REQUEST_CASES, fuzzCase()];

/** No case may run longer than this (the Slack outage case included); then it fails as timed out. */
const CASE_TIMEOUT_MS = 240_000;

function usage(): string {
  return 'Usage: npm run test:faults -- [--quick] [--case WORDS]... [--list] [--keep] [--fuzz N] [--seed N] [--outage-seconds N]';
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function formatFigures(figures: Outcome['figures']): string {
  return Object.entries(figures)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /[\s"]/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      case: { type: 'string', multiple: true },
      list: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      fuzz: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'outage-seconds': { type: 'string', default: '60' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (values.list) {
    for (const c of CASES) process.stdout.write(`${c.name.padEnd(34)} ${c.quick ? '[quick] ' : ''}${c.what}\n`);
    return 0;
  }
  for (const [name, text] of [
    ['fuzz', values.fuzz],
    ['seed', values.seed],
    ['outage-seconds', values['outage-seconds']],
  ] as const) {
    if (text !== undefined && !/^\d+$/.test(text)) {
      process.stderr.write(`--${name} takes a whole number, got "${text}".\n${usage()}\n`);
      return 2;
    }
  }
  const wanted = values.case ?? [];
  // A word that is a case's whole name selects that case; other words select every case whose name contains them.
  const picks = (name: string, word: string) =>
    name === word || (!CASES.some((c) => c.name === word) && name.includes(word));
  const selected = CASES.filter((c) =>
    wanted.length > 0 ? wanted.some((w) => picks(c.name, w)) : !values.quick || c.quick,
  );
  if (selected.length === 0) {
    process.stderr.write(`No case matches ${wanted.join(', ')}; --list shows them.\n`);
    return 2;
  }

  const references = new Map<string, Reference>();
  const ctx: RunContext = {
    quick: values.quick ?? false,
    outageSeconds: Number(values['outage-seconds']),
    fuzzCount: values.fuzz !== undefined ? Number(values.fuzz) : values.quick ? 200 : 2000,
    seed: Number(values.seed),
    remember: (kind, reference) => references.set(kind, reference),
    async reference(kind) {
      const known = references.get(kind);
      if (known) return known;
      // A case run alone learns the clean result first, in a world of its own.
      const w = await World.start();
      try {
        const clean = await cleanChange(w, kind);
        if (clean.failures.length > 0)
          throw new Error(`the clean ${kind} it is compared with failed: ${clean.failures.join('; ')}`);
        const reference = { result: clean.tally.result, threadHead: clean.threadHead };
        references.set(kind, reference);
        return reference;
      } finally {
        await w.close();
      }
    },
  };

  const started = Date.now();
  let passed = 0;
  let failed = 0;
  for (const c of selected) {
    const t0 = Date.now();
    let outcome: Outcome;
    let w: World | undefined;
    try {
      w = await World.start();
      outcome = await withTimeout(c.run(w, ctx), CASE_TIMEOUT_MS, c.name);
    } catch (err) {
      outcome = { figures: {}, failures: [`error: ${err instanceof Error ? err.message : String(err)}`] };
    }
    const ok = outcome.failures.length === 0;
    const keep = values.keep || !ok;
    await w?.close(keep).catch(() => undefined);
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    const where = keep && w ? ` [state and bot logs: ${w.dir}]` : '';
    const why = ok ? '' : ` -- ${outcome.failures.join('; ')}`;
    process.stdout.write(
      `${ok ? 'PASS' : 'FAIL'} ${c.name} ${formatFigures(outcome.figures)} (${seconds} s)${why}${where}\n`,
    );
    if (ok) passed++;
    else failed++;
  }
  process.stdout.write(`(${selected.length} cases in ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

process.on('exit', killAllBots);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllBots();
    process.exit(130);
  });
}

main().then(
  (code) => {
    killAllBots();
    process.exit(code);
  },
  (err: unknown) => {
    killAllBots();
    process.stderr.write(`the fault suite could not run: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
