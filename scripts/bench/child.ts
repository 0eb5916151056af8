/**
 * A benchmark part in its own process (simulator, bot, bare Bolt app), so that each one's CPU and
 * memory are its own. The child prints one JSON line when ready and answers each JSON request line
 * on stdin with one JSON line; closing stdin stops it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** A running child part. */
export interface ChildPart<Ready> {
  ready: Ready;
  pid: number;
  /** Sends a request line and resolves with the child's answer line. */
  request<T>(message: unknown): Promise<T>;
  /** The child's peak resident memory so far, in MB (Linux VmHWM). */
  peakRssMb(): number;
  close(): Promise<void>;
}

/** Starts the part `name` (a file beside this one, compiled or not, as this one is) with `options` as JSON in argv[2], and `env` over this process's. */
export async function startChild<Ready>(
  name: string,
  options: unknown,
  nodeArgs: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<ChildPart<Ready>> {
  const file = `${name}${extname(__filename)}`;
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...nodeArgs, join(__dirname, file), JSON.stringify(options)],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } },
  );
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  const early: string[] = [];
  let exited: Error | undefined;
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next) next.resolve(line);
    else early.push(line);
  });
  // One listener for the child's life, not one per request: every request still waiting fails with it.
  child.once('exit', (code) => {
    exited = new Error(`${file} exited (${code})`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const queued = early.shift();
      if (queued !== undefined) return resolve(queued);
      if (exited) return reject(exited);
      waiting.push({ resolve, reject });
    });
  const ready = JSON.parse(await nextLine()) as Ready;
  return {
    ready,
    pid: child.pid!,
    async request<T>(message: unknown): Promise<T> {
      child.stdin.write(`${JSON.stringify(message)}\n`);
      const answer = JSON.parse(await nextLine()) as T & { error?: string };
      if (answer.error) throw new Error(`${file}: ${answer.error}`);
      return answer;
    },
    peakRssMb() {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return hwm ? Math.round(Number(hwm[1]) / 1024) : NaN;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** The child side: prints `ready`, then answers each request line with `handle`'s result; exits when stdin closes. */
export function serveParent(
  ready: unknown,
  handle: (message: Record<string, unknown>) => Promise<unknown>,
  stop: () => Promise<void>,
): void {
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    handle(JSON.parse(line) as Record<string, unknown>).then(
      (answer) => process.stdout.write(`${JSON.stringify(answer ?? {})}\n`),
      (err: unknown) =>
        process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`),
    );
  });
  lines.on('close', () => void stop().finally(() => process.exit(0)));
}
