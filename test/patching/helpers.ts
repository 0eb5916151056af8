import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/clock';
import { systemClock } from '../../src/clock';
import { createPatchbotConfigSchema, type PatchbotConfig } from '../../src/config/schema';
import { silentLogger } from '../../src/logger';
import type { OperationPublisher, OperationReport, PublishPhase, PublishedMessage } from '../../src/patching';
import type { FailureDetail } from '../../src/patching/failure-record';
import {
  OperationRunner,
  OperationTracker,
  PatchService,
  isTerminal,
  type PatchGateway,
  type TrackerOptions,
} from '../../src/patching';
import { openStore, type Operation, type Store } from '../../src/store';
import { eventually } from '../support/aws';

/** Simulator timings fast enough for tests. */
export const FAST = { pendingMs: 20, runMs: 60 };

/** The configuration of the seeded groups over the given scopes, normalized as patchbot.yml would be. */
export function testConfig(
  scopes: Array<{ name: string; roleArn?: string; regions: string[] }> = [{ name: 'default', regions: ['us-east-1'] }],
): PatchbotConfig {
  return createPatchbotConfigSchema({ region: 'us-east-1' }).parse({
    aws: { scopes },
    groups: {
      STG: { channel: 'C0STG', operators: ['U0OPS'] },
      PRD: { channel: 'C0PRD', operators: ['U0OPS'] },
    },
  });
}

/** The named group of a config. */
export function groupOf(config: PatchbotConfig, name: string) {
  const group = config.groups.find((g) => g.name === name);
  if (!group) throw new Error(`no group ${name}`);
  return group;
}

/** A temporary directory for store files. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-patching-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One recorded publish. */
export interface PublishCall {
  phase: PublishPhase;
  operationId: string;
  messageTs: string | null;
  report: OperationReport;
}

/** A publisher that records calls and posts to made-up timestamps. */
export class FakePublisher implements OperationPublisher {
  readonly calls: PublishCall[] = [];
  failNext = 0;
  private seq = 0;

  async publish(op: Operation, report: OperationReport, phase: PublishPhase): Promise<PublishedMessage | undefined> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('slack is down');
    }
    this.calls.push({ phase, operationId: op.id, messageTs: op.messageTs, report });
    if (!op.messageTs) return { channel: op.channel, ts: `1700000000.${String(++this.seq).padStart(6, '0')}` };
  }

  /** Failure details published, by operation. */
  readonly failures: Array<{ operationId: string; detail: FailureDetail }> = [];

  async publishFailures(op: Operation, detail: FailureDetail): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('slack is down');
    }
    this.failures.push({ operationId: op.id, detail });
  }

  phases(operationId: string): PublishPhase[] {
    return this.calls.filter((c) => c.operationId === operationId).map((c) => c.phase);
  }

  finished(operationId: string): PublishCall[] {
    return this.calls.filter((c) => c.operationId === operationId && c.phase === 'finished');
  }
}

/** The domain wired over a store, gateways and config, as main would wire it. */
export interface Harness {
  store: Store;
  service: PatchService;
  runner: OperationRunner;
  tracker: OperationTracker;
  publisher: FakePublisher;
  close(): Promise<void>;
}

/** Wires store → runner → service → tracker with a fake publisher. */
export async function harness(options: {
  gateways: readonly PatchGateway[];
  config: PatchbotConfig;
  path?: string;
  clock?: Clock;
  publisher?: FakePublisher;
  tracker?: TrackerOptions;
  /** How long a write waits for another connection's lock (the store's default otherwise). */
  busyTimeoutMs?: number;
}): Promise<Harness> {
  const clock = options.clock ?? systemClock;
  const logger = silentLogger();
  const store = await openStore({
    path: options.path ?? ':memory:',
    logger,
    clock,
    ...(options.busyTimeoutMs ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
  });
  const deps = { store, gateways: options.gateways, groups: options.config.groups, clock, logger };
  const runner = new OperationRunner(deps);
  const service = new PatchService({ ...deps, runner });
  const publisher = options.publisher ?? new FakePublisher();
  // Millisecond intervals need a budget to match; the shared budget has its own test in scan.e2e.
  const tracker = new OperationTracker({
    ...deps,
    runner,
    publisher,
    pollIntervalMs: 25,
    updateIntervalMs: 50,
    updatesPerMinute: 60_000,
    ...options.tracker,
  });
  return {
    store,
    service,
    runner,
    tracker,
    publisher,
    async close() {
      await tracker.stop();
      await store.close();
    },
  };
}

/** Waits until the operation reaches a terminal status and returns it. */
export function terminal(store: Store, id: string, timeoutMs = 10_000): Promise<Operation> {
  return eventually(async () => {
    const op = await store.operations.get(id);
    return op && isTerminal(op.status) ? op : undefined;
  }, timeoutMs);
}
