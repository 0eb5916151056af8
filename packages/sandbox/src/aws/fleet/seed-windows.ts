/** The seeded fleet's maintenance windows and the one past run of each that the seed records as history. */
import type { Partition } from '../partition';
import type { Timing } from '../knobs';
import { previousExecution } from '../cron';
import { ONE_DAY_MS } from './catalog';
import { startWindowExecution } from './windows';
import type { MaintenanceWindow, WindowTask } from './model';

const HOUR_MS = 3_600_000;

/** patch-window-am2 (by the PatchWindowTaskAM2 tag) and one install window per Linux group. */
export function standardWindows(partition: Partition, now: number): MaintenanceWindow[] {
  const ids = partition.ids;
  const created = new Date(now - 200 * ONE_DAY_MS);
  const patchTask = (
    name: string,
    priority: number,
    targetId: string,
    operation: 'Scan' | 'Install',
    description: string,
  ): WindowTask => ({
    id: ids.uuid(),
    name,
    description,
    taskArn: 'AWS-RunPatchBaseline',
    priority,
    targets: [{ Key: 'WindowTargetIds', Values: [targetId] }],
    parameters:
      operation === 'Install' ? { Operation: ['Install'], RebootOption: ['RebootIfNeeded'] } : { Operation: ['Scan'] },
    maxConcurrency: '50%',
    maxErrors: '25%',
    serviceRoleArn: `arn:aws:iam::${partition.account}:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM`,
    cutoffBehavior: 'CONTINUE_TASK',
  });
  const scanTarget = {
    id: ids.uuid(),
    name: 'am2-scan-targets',
    ownerInformation: 'AM2 scan',
    targets: [{ Key: 'tag:PatchWindowTaskAM2', Values: ['SCAN'] }],
  };
  const installTarget = {
    id: ids.uuid(),
    name: 'am2-install-targets',
    ownerInformation: 'AM2 install',
    targets: [{ Key: 'tag:PatchWindowTaskAM2', Values: ['INSTALL'] }],
  };
  const am2: MaintenanceWindow = {
    id: `mw-${ids.hex(17)}`,
    name: 'patch-window-am2',
    description: 'Nightly patching: scan the SCAN-tagged instances, then install on the INSTALL-tagged ones.',
    schedule: 'cron(00 17 * * ? *)',
    duration: 1,
    cutoff: 0,
    enabled: true,
    allowUnassociatedTargets: false,
    createdDate: created,
    modifiedDate: created,
    targets: [scanTarget, installTarget],
    tasks: [
      patchTask('am2-scan', 1, scanTarget.id, 'Scan', 'Scan the SCAN-tagged instances'),
      patchTask(
        'am2-install',
        2,
        installTarget.id,
        'Install',
        'Install approved patches on the INSTALL-tagged instances',
      ),
    ],
  };
  const groupWindow = (group: string, schedule: string, timezone: string): MaintenanceWindow => {
    const target = {
      id: ids.uuid(),
      name: `${group.toLowerCase()}-instances`,
      ownerInformation: `${group} patch group`,
      targets: [{ Key: 'tag:Patch Group', Values: [group] }],
    };
    return {
      id: `mw-${ids.hex(17)}`,
      name: `patch-${group.toLowerCase()}`,
      description: `Weekly install for patch group ${group}.`,
      schedule,
      scheduleTimezone: timezone,
      duration: 3,
      cutoff: 1,
      enabled: true,
      allowUnassociatedTargets: false,
      createdDate: created,
      modifiedDate: created,
      targets: [target],
      tasks: [
        patchTask(`${group.toLowerCase()}-install`, 1, target.id, 'Install', `Install approved patches on ${group}`),
      ],
    };
  };
  return [
    am2,
    groupWindow('STG', 'cron(0 3 ? * TUE *)', 'Europe/Berlin'),
    groupWindow('PRD', 'cron(0 4 ? * SUN *)', 'Europe/Berlin'),
  ];
}

/** One past run of each window, recorded without effects (the initial state already reflects it). */
export function seedHistory(partition: Partition, now: number, timing: Timing): void {
  const windows = [...partition.windows.values()];
  const runs = windows
    .map((window) => ({
      window,
      at: previousExecution(window.schedule, {
        before: new Date(now - HOUR_MS),
        ...(window.scheduleTimezone ? { timezone: window.scheduleTimezone } : {}),
      }),
    }))
    .filter((run): run is { window: MaintenanceWindow; at: Date } => run.at !== undefined)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const run of runs) startWindowExecution(partition, run.window, run.at.getTime(), timing, false);
}
