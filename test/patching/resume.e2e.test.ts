/**
 * Restarts: a new tracker on the same state file picks up what the last one left, publishes the
 * result once, and never sends a command twice.
 */
import { join } from 'node:path';
import type { FleetGateway } from '../../src/aws';
import { readResult, scanParams } from '../../src/patching';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { eventually, sandboxFleet } from '../support/aws';
import { FAST, FakePublisher, groupOf, harness, tempDir, terminal, testConfig } from './helpers';

describe('resuming after a restart', () => {
  let sim: FleetSimulator;
  let gateways: FleetGateway[];
  let closeFleet: () => void;
  const tmp = tempDir();
  const config = testConfig();
  const PRD = groupOf(config, 'PRD');
  let n = 0;
  const dbPath = () => join(tmp.dir, `state-${++n}.db`);

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 7, timing: { pendingMs: 40, runMs: 120 } });
    const fleet = sandboxFleet(sim.url);
    gateways = fleet.gateways;
    closeFleet = fleet.close;
  });
  afterAll(async () => {
    closeFleet();
    await sim.close();
    tmp.cleanup();
  });
  beforeEach(async () => sim.resetStats());

  it('a tracker stopped mid-run: the next one publishes the result once, to the same message', async () => {
    const path = dbPath();
    const first = await harness({ gateways, config, path });
    await first.tracker.start();
    const op = await first.service.startScan({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
    first.tracker.track(op.id);
    await eventually(async () => (first.publisher.phases(op.id).includes('started') ? true : undefined));
    await first.close();
    expect(first.store.sqlite?.open).toBe(false);

    const second = await harness({ gateways, config, path });
    try {
      expect((await second.store.operations.get(op.id))!.status).toBe('running');
      await second.tracker.start();
      const done = await terminal(second.store, op.id);
      expect(done.status).toBe('succeeded');
      const finished = [...first.publisher.finished(op.id), ...second.publisher.finished(op.id)];
      expect(finished).toHaveLength(1);
      expect(second.publisher.phases(op.id)).not.toContain('started');
      for (const c of second.publisher.calls) expect(c.messageTs).toBe(done.messageTs);
      expect(finished[0]!.report).toMatchObject({
        total: 8,
        succeeded: 7,
        unreachable: [expect.objectContaining({ name: 'prd-app-3' })],
      });
      expect(sim.stats().calls.SendCommand).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('a crash after the result was computed and published: the restart updates the same message with the same result', async () => {
    const path = dbPath();
    // The first process publishes 'finished' and dies before the transition (the publish "fails" after recording).
    const dying = new (class extends FakePublisher {
      override async publish(...args: Parameters<FakePublisher['publish']>) {
        const where = await super.publish(...args);
        if (args[2] === 'finished') throw new Error('killed');
        return where;
      }
    })();
    const first = await harness({ gateways, config, path, publisher: dying, tracker: { finishPublishAttempts: 1000 } });
    await first.tracker.start();
    const op = await first.service.startScan({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
    first.tracker.track(op.id);
    await eventually(async () => (dying.finished(op.id).length > 0 ? true : undefined));
    await first.close();

    const second = await harness({ gateways, config, path });
    try {
      const stored = (await second.store.operations.get(op.id))!;
      expect(stored.status).toBe('running');
      expect(readResult(stored).final).toBeDefined();
      await second.tracker.start();
      const done = await terminal(second.store, op.id);
      const [again] = second.publisher.finished(op.id);
      expect(second.publisher.phases(op.id)).toEqual(['finished']);
      expect(again!.messageTs).toBe(done.messageTs);
      const before = dying.finished(op.id)[0]!.report;
      expect(again!.report.finishedAt).toEqual(before.finishedAt);
      expect(again!.report.total).toBe(before.total);
      expect(readResult(done).published).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('an operation left in sending whose command went out is not sent again', async () => {
    const h = await harness({ gateways, config, path: dbPath() });
    try {
      const created = await h.store.operations.create({
        kind: 'scan',
        group: 'PRD',
        status: 'approved',
        requestedBy: 'U0OPS',
        channel: 'C0PRD',
        params: scanParams(PRD),
      });
      await h.store.operations.transition(created.id, { from: 'approved', to: 'sending' });
      const commandId = await gateways[0]!.sendPatchCommand({
        ...scanParams(PRD),
        operation: 'Scan',
        rebootOption: 'NoReboot',
        group: { tagKey: 'Patch Group', tagValue: 'PRD', operatingSystem: 'AMAZON_LINUX_2' },
        operationId: created.id,
      });

      await h.tracker.start();
      const done = await terminal(h.store, created.id);
      expect(done.commands).toEqual([{ scope: 'default', region: 'us-east-1', commandId }]);
      expect(done.status).toBe('succeeded');
      expect(sim.stats().calls.SendCommand).toBe(1);
      expect(h.publisher.finished(created.id)).toHaveLength(1);
      expect((await h.store.audit.list({ operationId: created.id, limit: 10 })).map((a) => a.action)).toContain(
        'operation.resumed',
      );
    } finally {
      await h.close();
    }
  });

  it('an operation left in sending before its command went out is sent once; an approved one is sent', async () => {
    const h = await harness({ gateways, config, path: dbPath() });
    try {
      const unsent = await h.store.operations.create({
        kind: 'scan',
        group: 'PRD',
        status: 'approved',
        requestedBy: 'U0OPS',
        channel: 'C0PRD',
        params: scanParams(PRD),
      });
      await h.store.operations.transition(unsent.id, { from: 'approved', to: 'sending' });
      const approved = await h.store.operations.create({
        kind: 'scan',
        group: 'STG',
        status: 'approved',
        requestedBy: 'U0OPS',
        channel: 'C0STG',
        params: scanParams(groupOf(config, 'STG')),
      });

      await h.tracker.start();
      const [a, b] = await Promise.all([terminal(h.store, unsent.id), terminal(h.store, approved.id)]);
      expect(a.commands).toHaveLength(1);
      expect(b.commands).toHaveLength(1);
      expect(sim.stats().calls.SendCommand).toBe(2);
      expect(h.publisher.finished(unsent.id)).toHaveLength(1);
      expect(h.publisher.finished(approved.id)).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

describe('scopes', () => {
  const scopes = [
    { name: 'main', regions: ['us-east-1'] },
    { name: 'partner', roleArn: 'arn:aws:iam::222222222222:role/patchbot', regions: ['us-east-1'] },
  ];
  const config = testConfig(scopes);
  const PRD = groupOf(config, 'PRD');

  async function withSim(
    deny: Array<{ action: string; account?: string }>,
    fn: (sim: FleetSimulator, gateways: FleetGateway[]) => Promise<void>,
  ) {
    const sim = await startFleetSimulator({
      port: 0,
      seed: 4,
      timing: FAST,
      deny,
      fleets: [
        { account: '123456789012', region: 'us-east-1' },
        { account: '222222222222', region: 'us-east-1' },
      ],
    });
    const fleet = sandboxFleet(sim.url, scopes, 1);
    try {
      await fn(sim, fleet.gateways);
    } finally {
      fleet.close();
      await sim.close();
    }
  }

  it('a scope whose SendCommand is denied is a ScopeFailure; the other scope is scanned', async () => {
    await withSim([{ action: 'ssm:SendCommand', account: '222222222222' }], async (sim, gateways) => {
      const h = await harness({ gateways, config });
      try {
        await h.tracker.start();
        const op = await h.service.startScan({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
        expect(op.status).toBe('running');
        expect(op.commands.map((c) => c.scope)).toEqual(['main']);
        h.tracker.track(op.id);
        const done = await terminal(h.store, op.id);
        const report = h.publisher.finished(op.id)[0]!.report;
        expect(report.failures).toEqual([
          { scope: 'partner', region: 'us-east-1', message: expect.stringContaining('ssm:SendCommand') },
        ]);
        expect(report).toMatchObject({ total: 8, succeeded: 7, failed: 0 });
        expect(new Set(report.outcomes.map((o) => o.scope))).toEqual(new Set(['main']));
        // Part of the group was not scanned: the operation says so.
        expect(done.status).toBe('failed');
        expect(readResult(done).summary).toContain('1 scope failed');
        expect(sim.stats().calls.SendCommand).toBe(2);
      } finally {
        await h.close();
      }
    });
  });

  it('when every send fails the operation fails with the error, and its result is published once', async () => {
    await withSim([{ action: 'ssm:SendCommand' }], async (_sim, gateways) => {
      const h = await harness({ gateways, config });
      try {
        await h.tracker.start();
        const op = await h.service.startScan({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
        expect(op.status).toBe('failed');
        expect(op.error).toEqual({ code: 'AWS_ACCESS_DENIED', message: expect.stringContaining('ssm:SendCommand') });
        h.tracker.track(op.id);
        await eventually(async () => (readResult((await h.store.operations.get(op.id))!).published ? true : undefined));
        await h.tracker.tick();
        const finished = h.publisher.finished(op.id);
        expect(finished).toHaveLength(1);
        expect(finished[0]!.report.failures).toHaveLength(2);
        expect((await h.store.operations.get(op.id))!.messageTs).toBe('1700000000.000001');
      } finally {
        await h.close();
      }
    });
  });

  it('a process that dies mid-send of a two-command install: the restart sends the missing command once, to the recorded targets', async () => {
    await withSim([], async (sim, gateways) => {
      const tmpDir = tempDir();
      const path = join(tmpDir.dir, 'mid-send.db');
      // The first process: the partner scope's SendCommand never leaves (the process dies with it pending).
      const stuck = gateways.map((gw) =>
        gw.scope === 'partner'
          ? Object.assign(Object.create(gw) as FleetGateway, {
              sendPatchCommand: () => new Promise<string>(() => undefined),
            })
          : gw,
      );
      const first = await harness({ gateways: stuck, config, path });
      try {
        void first.service.requestInstall({ group: PRD, requestedBy: 'U0OPS', channel: 'C0PRD' });
        await eventually(async () =>
          sim.changes('SendCommand').length === 1 && sim.changes('CreateTags').length === 2 ? true : undefined,
        );
        const op = (await first.store.operations.listRecent({ limit: 1 }))[0]!;
        expect(op.status).toBe('sending');
        const recorded = readResult(op).sendSet!;
        expect(recorded.map((s) => s.scope).sort()).toEqual(['main', 'partner']);
        await first.store.close();

        // The restart: waits until partner's send could no longer land (a 500 ms answer timeout here),
        // finds main's command by its Comment and sends only partner's, to the recorded instances.
        const restarted = sandboxFleet(sim.url, scopes, 1, { sendTimeoutMs: 500 });
        const second = await harness({ gateways: restarted.gateways, config, path });
        try {
          await second.tracker.start();
          const done = await terminal(second.store, op.id, 20_000);
          const sends = sim.changes('SendCommand');
          expect(sends).toHaveLength(2);
          expect(sends.map((c) => c.partition).sort()).toEqual(['123456789012/us-east-1', '222222222222/us-east-1']);
          const partner = recorded.find((s) => s.scope === 'partner')!;
          expect([...(sends[1]!.detail['resolved'] as string[])].sort()).toEqual([...partner.instanceIds].sort());
          expect(done.commands.map((c) => c.scope).sort()).toEqual(['main', 'partner']);
          expect((await second.store.audit.list({ operationId: op.id, limit: 20 })).map((a) => a.action)).toContain(
            'operation.resumed',
          );
        } finally {
          await second.close();
          restarted.close();
        }
      } finally {
        tmpDir.cleanup();
      }
    });
  });
});
