/**
 * One truth per operation: the card, its thread and /patch history say the same outcome, counts
 * and durations for the same finished operation. The history side goes through the real store and
 * the real closing step (closeOperation), so what it shows is what a later `/patch history` reads.
 */
import { silentLogger } from '../../../src/logger';
import { closeOperation } from '../../../src/patching/finalize';
import { resultJson, readResult } from '../../../src/patching/records';
import { finalStatus, summaryLine } from '../../../src/patching/report';
import { toHistoryEntry } from '../../../src/patching/service';
import type { OperationReport } from '../../../src/patching/report-record';
import { VERDICT_WORDS } from '../../../src/patching/verdict';
import { openStore } from '../../../src/store';
import { formatDuration } from '../../../src/slack/mrkdwn';
import { historyView } from '../../../src/slack/views/history';
import { operationView } from '../../../src/slack/views/operation';
import { NOW, approvalState, changeReport, outcome, readable, smallPlan } from './fixtures';

const at = (minutesBeforeNow: number) => new Date(NOW.getTime() - minutesBeforeNow * 60_000);

/** Stores an install that was requested 3h ago, approved 2h 14m later and sent right after, then closes it with `report`. */
async function closeThroughStore(report: OperationReport) {
  const clock = { now: () => NOW };
  const store = await openStore({ path: ':memory:', logger: silentLogger(), clock });
  const created = await store.operations.create({
    kind: 'install',
    group: 'PRD',
    status: 'approved',
    requestedBy: 'U0ALICE001',
    channel: 'C0PRD',
    params: {},
    plan: {},
  });
  await store.operations.transition(created.id, { from: 'approved', to: 'sending' });
  const running = await store.operations.transition(created.id, {
    from: 'sending',
    to: 'running',
    patch: {
      commands: [{ scope: 'default', region: 'us-east-1', commandId: 'cmd-1' }],
      result: resultJson({ failures: [], sentAt: report.sentAt?.toISOString() }),
    },
  });
  await closeOperation(store, running!, { ...report, operationId: created.id }, { published: true, messageTs: '1.0' });
  const op = (await store.operations.get(created.id))!;
  await store.close();
  return { op, entry: toHistoryEntry(op) };
}

const approval = approvalState({ decisions: [{ userId: 'U0BOB0002', decision: 'approved', at: at(180 - 134) }] });
const base = (outcomes: OperationReport['outcomes'], extra: Partial<OperationReport> = {}): OperationReport => {
  const unreachable = outcomes.filter((o) => o.statusDetails === 'Undeliverable');
  const report = changeReport(smallPlan(), {
    startedAt: at(180),
    sentAt: at(46),
    finishedAt: at(45.5),
    total: outcomes.length,
    finished: outcomes.length,
    succeeded: outcomes.filter((o) => o.status === 'Success').length,
    failed: outcomes.filter((o) => o.status === 'Failed' && o.statusDetails !== 'Undeliverable').length,
    unreachable,
    outcomes,
    approval,
    missingBySeverity: { critical: 0, security: 0, other: 0 },
    ...extra,
  });
  return { ...report, status: finalStatus(report) };
};

const CASES: Array<[string, OperationReport, RegExp]> = [
  ['every instance patched', base([1, 2, 3].map((n) => ({ ...outcome(n, 'Success'), missing: 0 }))), /succeeded/],
  [
    'one agent unreachable',
    base([...[1, 2].map((n) => ({ ...outcome(n, 'Success'), missing: 0 })), outcome(3, 'Failed', 'Undeliverable')]),
    /finished with problems/,
  ],
  [
    'one install failed',
    base([...[1, 2].map((n) => ({ ...outcome(n, 'Success'), missing: 0 })), outcome(3, 'Failed', 'Failed')]),
    /failed/,
  ],
  [
    'one target offline at send',
    base(
      [1, 2].map((n) => ({ ...outcome(n, 'Success'), missing: 0 })),
      {
        drift: {
          checkedAt: at(46),
          blocking: [],
          offline: [{ instanceId: 'i-00000000000000009', name: 'web-prd-09', scope: 'default', region: 'us-east-1' }],
          notIncluded: [],
        },
      },
    ),
    /finished with problems/,
  ],
];

describe('one truth per operation', () => {
  it.each(CASES)(
    '%s: card, thread and history agree on outcome, counts and durations',
    async (_name, report, expected) => {
      const card = operationView(report, NOW);
      const { op, entry } = await closeThroughStore(report);
      const words = VERDICT_WORDS[entry.verdict];
      expect(words).toMatch(expected);

      // Outcome: the card's header and notification, and history, in the same words.
      expect(card.text).toContain(`Install of PRD ${words}`);
      const history = readable(historyView([entry], 'PRD', NOW));
      expect(history).toContain(` · ${words} · `);

      // Counts: the stored summary (history) and the card count the same instances.
      const summary = readResult(op).summary!;
      expect(summary).toBe(summaryLine(report));
      expect(summary).toContain(`${report.succeeded} of ${report.total} patched`);
      const text = readable(card);
      expect(text).toContain(`${report.total} instances`);
      expect(text).toContain(`${report.failed} failed`);
      expect(text).toContain(`${report.unreachable.length} unreachable`);
      // The thread has one line per instance, failures as counted.
      const thread = (card.thread ?? []).map(readable).join('\n');
      expect(thread).toContain('result per instance');
      expect(thread.match(/— Failed \(Failed\)|— Failed$/gm)?.length ?? 0).toBe(report.failed);

      // Durations: "took" is the run (send → last result), the approval wait is shown apart.
      expect(text).toContain(`took ${formatDuration(30_000)}`);
      expect(text).toContain(`approved after ${formatDuration(134 * 60_000)}`);
      expect(text).not.toContain(`took ${formatDuration(report.finishedAt!.getTime() - report.startedAt.getTime())}`);
    },
  );
});
