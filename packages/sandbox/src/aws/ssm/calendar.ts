/**
 * Change Calendar's GetCalendarState: the state of one or more ChangeCalendar documents at a time,
 * OPEN only if every calendar is open, with the next time that state changes.
 */
import { SimulatorError, validationException } from '../errors';
import { optList, optString, missing, stringItem, type Input } from '../validate';
import { calendarTime, combinedAt, type SimCalendar } from '../calendar/calendar-model';
import type { SsmContext } from './common';
import { PATCH_DOCUMENT } from './send-command';

/** ISO 8601 date-times as AtTime takes them: minutes, seconds or fractions, Z or an offset. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
/** A document ARN: arn:aws:ssm:<region>:<account>:document/<name>. */
const DOCUMENT_ARN = /^arn:aws[a-z-]*:ssm:([a-z0-9-]+):(\d{12}):document\/(.+)$/;

function parseAtTime(text: string): number {
  const ms = ISO_8601.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms))
    throw validationException(
      `AtTime ${text} is not a valid ISO 8601 date-time: use a form like 2026-12-24T18:00:00Z.`,
    );
  return ms;
}

/** The calendar a name or ARN refers to in the caller's partition; throws as SSM does. */
function findCalendar(ctx: SsmContext, nameOrArn: string): SimCalendar {
  const arn = DOCUMENT_ARN.exec(nameOrArn);
  const name = arn ? (arn[3] as string) : nameOrArn;
  const elsewhere = arn !== null && (arn[1] !== ctx.partition.region || arn[2] !== ctx.partition.account);
  const calendar = elsewhere ? undefined : ctx.partition.calendars.get(name);
  if (calendar) return calendar;
  if (!elsewhere && name === PATCH_DOCUMENT)
    throw new SimulatorError(
      'InvalidDocumentType',
      `Document ${name} is of type Command; GetCalendarState reads documents of type ChangeCalendar.`,
    );
  throw new SimulatorError('InvalidDocument', `Document with name or ARN ${nameOrArn} does not exist.`);
}

/** GetCalendarState. */
export function getCalendarState(ctx: SsmContext, input: Input): object {
  const names = optList(input, 'CalendarNames', stringItem('CalendarNames'));
  if (names === undefined) throw missing('CalendarNames');
  if (names.length === 0)
    throw validationException('CalendarNames must name at least one ChangeCalendar document (a name or an ARN).');
  const atText = optString(input, 'AtTime');
  const at = atText === undefined ? ctx.now : parseAtTime(atText);
  const calendars = names.map((name) => findCalendar(ctx, name));
  const { state, next } = combinedAt(calendars, at);
  return {
    State: state,
    AtTime: atText ?? calendarTime(at),
    ...(next !== undefined ? { NextTransitionTime: calendarTime(next) } : {}),
  };
}
