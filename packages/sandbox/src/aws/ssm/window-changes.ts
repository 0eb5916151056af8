/**
 * Changing and deleting maintenance windows (UpdateMaintenanceWindow, DeleteMaintenanceWindow), as
 * an operator does in the console: the bot never calls them, but its scheduled changes must notice
 * a window disabled, rescheduled or deleted before it opens. Fields and limits as the SSM API
 * reference gives them (Duration 1-24 h, Cutoff 0-23 h and less than Duration; a deleted window
 * answers DoesNotExistException from then on).
 */
import { SimulatorError, validationException } from '../errors';
import { checkPattern, optBool, optInt, optString, reqString, type Input } from '../validate';
import type { MaintenanceWindow } from '../fleet/model';
import type { SsmContext } from './common';

const WINDOW_ID = /^mw-[0-9a-f]{17}$/;
const WINDOW_NAME = /^[a-zA-Z0-9_\-.]{3,128}$/;

function requireWindow(ctx: SsmContext, input: Input): MaintenanceWindow {
  const id = reqString(input, 'WindowId', { min: 20, max: 20 });
  checkPattern('WindowId', id, WINDOW_ID);
  const window = ctx.partition.windows.get(id);
  if (!window) throw new SimulatorError('DoesNotExistException', `Maintenance window ${id} does not exist`);
  return window;
}

/** UpdateMaintenanceWindow: the given fields change, the others stay (Replace is not modelled). */
export function updateMaintenanceWindow(ctx: SsmContext, input: Input): object {
  const window = requireWindow(ctx, input);
  const name = optString(input, 'Name', { min: 3, max: 128 });
  if (name !== undefined) checkPattern('Name', name, WINDOW_NAME);
  const description = optString(input, 'Description', { min: 1, max: 128 });
  const schedule = optString(input, 'Schedule', { min: 1, max: 256 });
  const scheduleTimezone = optString(input, 'ScheduleTimezone');
  const duration = optInt(input, 'Duration', { min: 1, max: 24 }) ?? window.duration;
  const cutoff = optInt(input, 'Cutoff', { min: 0, max: 23 }) ?? window.cutoff;
  if (cutoff >= duration)
    throw validationException('The cutoff time must be less than the duration of the maintenance window.');
  const enabled = optBool(input, 'Enabled');
  const allowUnassociated = optBool(input, 'AllowUnassociatedTargets');
  if (name !== undefined) window.name = name;
  if (description !== undefined) window.description = description;
  if (schedule !== undefined) window.schedule = schedule;
  if (scheduleTimezone !== undefined) window.scheduleTimezone = scheduleTimezone;
  window.duration = duration;
  window.cutoff = cutoff;
  if (enabled !== undefined) window.enabled = enabled;
  if (allowUnassociated !== undefined) window.allowUnassociatedTargets = allowUnassociated;
  window.modifiedDate = new Date(ctx.now);
  ctx.sim.journal.record(ctx.partition.key, 'UpdateMaintenanceWindow', {
    windowId: window.id,
    enabled: window.enabled,
  });
  return {
    WindowId: window.id,
    Name: window.name,
    ...(window.description ? { Description: window.description } : {}),
    Schedule: window.schedule,
    ...(window.scheduleTimezone ? { ScheduleTimezone: window.scheduleTimezone } : {}),
    ...(window.scheduleOffset ? { ScheduleOffset: window.scheduleOffset } : {}),
    Duration: window.duration,
    Cutoff: window.cutoff,
    AllowUnassociatedTargets: window.allowUnassociatedTargets,
    Enabled: window.enabled,
  };
}

/** DeleteMaintenanceWindow: the window, its targets and tasks are gone; its past executions stay readable by id in AWS, and are dropped here. */
export function deleteMaintenanceWindow(ctx: SsmContext, input: Input): object {
  const window = requireWindow(ctx, input);
  ctx.partition.windows.delete(window.id);
  ctx.sim.journal.record(ctx.partition.key, 'DeleteMaintenanceWindow', { windowId: window.id });
  return { WindowId: window.id };
}
