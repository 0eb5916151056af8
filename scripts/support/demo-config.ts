/** The demo's patchbot.yml (the simulator's seeded groups, the stand-in's workspace) with the schedules a harness wants. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from './bot-process';

/** When the jobs run: `off` (the harness decides what happens) or `every-minute` (all three, the digest included). */
export type DemoSchedules = 'off' | 'every-minute';

/** The demo's patchbot.yml text with `schedules`. */
export function demoConfigText(schedules: DemoSchedules = 'off'): string {
  const doc = parse(readFileSync(join(ROOT, 'scripts', 'demo.patchbot.yml'), 'utf8')) as Record<string, unknown>;
  const enabled = schedules === 'every-minute';
  doc.schedules = {
    timezone: 'UTC',
    compliancePoll: { cron: '* * * * *', enabled },
    windowPoll: { cron: '* * * * *', enabled },
    digest: { cron: enabled ? '* * * * *' : '0 8 * * 1-5', enabled },
  };
  return stringify(doc);
}
