/** Seeds the daily compliance history of a harness's state file, so charts have something to draw. */
import { silentLogger } from '../../src/logger';
import { chartPeriod } from '../../src/patching/chart-period';
import { openStore } from '../../src/store';

/**
 * 30 days ending today for `groups` (PRD improving, with one day missing: a gap; the others
 * steadier), written through the store as the compliance poll writes it.
 */
export async function seedHistory(dbPath: string, groups: readonly string[] = ['PRD', 'WIN']): Promise<void> {
  const period = chartPeriod(new Date());
  const store = await openStore({ path: dbPath, logger: silentLogger() });
  try {
    for (const [i, day] of period.days.entries()) {
      for (const [g, group] of groups.entries()) {
        if (group === 'PRD' && i === 10) continue;
        const prd = group === 'PRD';
        await store.complianceHistory.recordDay({
          group,
          day,
          instances: 20,
          compliant: prd ? 8 + Math.floor(i / 3) : 15 - (g % 3),
          critical: Math.max(0, (prd ? 6 : 3) - Math.floor(i / 5)),
          important: prd ? 9 - Math.floor(i / 4) : 2 + (g % 2),
          pendingReboot: 0,
          unreachable: 0,
          oldestScanAt: null,
          rows: [],
        });
      }
    }
  } finally {
    await store.close();
  }
}
