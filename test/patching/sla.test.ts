/** The patch SLA check (src/patching/sla.ts): who is past it, for how long, most overdue first. */
import { checkSla, slaBreaches } from '../../src/patching/sla';
import type { InstanceDay } from '../../src/patching/ports';

const DAY = 86_400_000;
const SLA = { criticalMs: 7 * DAY, importantMs: 30 * DAY };

function row(id: string, criticalSince: string | null, importantSince: string | null = null): InstanceDay {
  return {
    group: 'PRD',
    day: '2026-03-10',
    scope: 'default',
    region: 'us-east-1',
    instanceId: id,
    name: `web-${id}`,
    criticalSince,
    importantSince,
    pendingReboot: false,
    unreachable: false,
  };
}

describe('slaBreaches', () => {
  it('lists only what is past the SLA, with its days, most overdue first', () => {
    const breaches = slaBreaches(
      [
        row('a', '2026-03-03'), // 7 days: at the SLA, not past it
        row('b', '2026-03-02'), // 8 days: 1 past
        row('c', '2026-02-20', '2026-01-01'), // 18 days critical (11 past), 68 days important (38 past)
        row('d', null, '2026-02-08'), // 30 days important: at the SLA
        row('e', null, null),
      ],
      SLA,
    );
    expect(breaches.map((b) => [b.instanceId, b.severity, b.days, b.slaDays, b.since])).toEqual([
      ['c', 'Important', 68, 30, '2026-01-01'],
      ['c', 'Critical', 18, 7, '2026-02-20'],
      ['b', 'Critical', 8, 7, '2026-03-02'],
    ]);
    expect(breaches[2]).toMatchObject({ name: 'web-b', scope: 'default', region: 'us-east-1' });
  });

  it('counts days to the history latest day, not to today', async () => {
    const reader = { latestMissingSince: async () => [row('b', '2026-03-02')] };
    const report = await checkSla(reader, { name: 'PRD', sla: { criticalMs: 1 * DAY, importantMs: 2 * DAY } });
    expect(report).toEqual({
      group: 'PRD',
      day: '2026-03-10',
      slaDays: { critical: 1, important: 2 },
      breaches: [expect.objectContaining({ instanceId: 'b', days: 8, slaDays: 1 })],
    });
    const empty = await checkSla({ latestMissingSince: async () => [] }, { name: 'PRD', sla: SLA });
    expect(empty).toMatchObject({ day: undefined, breaches: [] });
  });
});
