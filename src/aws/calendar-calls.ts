/**
 * FleetGateway's Change Calendar read: GetCalendarState, its answer checked with zod (State an enum,
 * AtTime and NextTransitionTime ISO 8601 text), and the three answers that mean "this calendar cannot
 * be read" (InvalidDocument, InvalidDocumentType or UnsupportedCalendarException, AccessDenied) turned into a CalendarError that names
 * the calendar and, when denied, the permission and document to grant it on.
 */
import { GetCalendarStateCommand } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { AwsError, CalendarError } from '../errors';
import type { CalendarReading } from '../patching/fleet-types';
import type { GatewayCalls } from './gateway-calls';

/** An ISO 8601 time as GetCalendarState writes it, read as a Date. */
const IsoTime = z
  .string()
  .min(1)
  .transform((text, ctx) => {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: `not an ISO 8601 time: ${text}` });
      return z.NEVER;
    }
    return new Date(ms);
  });

/** GetCalendarState's answer, as patchbot relies on it. */
const CalendarAnswerSchema = z.object({
  State: z.enum(['OPEN', 'CLOSED']),
  AtTime: IsoTime,
  NextTransitionTime: IsoTime.optional(),
});

/** A calendar document's ARN, whose name part is the document's name. */
const DOCUMENT_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:document\/(.+)$/;

/** The document ARN a GetCalendarState permission must cover for `calendar` (a name is a document of the scope's account and region). */
export function calendarDocumentArn(calendar: string, region: string, account: string | undefined): string {
  if (DOCUMENT_ARN.test(calendar)) return calendar;
  return `arn:aws:ssm:${region}:${account ?? '<account id>'}:document/${calendar}`;
}

/** What the calendar read needs beyond the calls: where it runs, for the permission it names. */
export interface CalendarCallsContext {
  scope: string;
  region: string;
  account: string | undefined;
}

/** The combined state of `names` (OPEN only if all are), now or at `atTime`; throws CalendarError for a calendar that cannot be read. */
export async function getCalendarState(
  g: GatewayCalls,
  where: CalendarCallsContext,
  names: readonly string[],
  atTime?: Date,
): Promise<CalendarReading> {
  try {
    return await g.call('ssm', 'GetCalendarState', async () => {
      const out = await g.clients.ssm.send(
        new GetCalendarStateCommand({
          CalendarNames: [...names],
          ...(atTime ? { AtTime: atTime.toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
        }),
      );
      const parsed = CalendarAnswerSchema.safeParse(out);
      if (!parsed.success) {
        throw new AwsError(
          'AWS_ERROR',
          `GetCalendarState answered what patchbot cannot read: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          { service: 'ssm', operation: 'GetCalendarState', scope: where.scope, region: where.region },
          {
            userMessage: `SSM's answer about the Change Calendar ${names.join(', ')} in scope ${where.scope} (${where.region}) could not be read, so the calendar counts as closed. The bot logs have the detail.`,
          },
        );
      }
      const a = parsed.data;
      return { state: a.State, atTime: a.AtTime, nextTransitionTime: a.NextTransitionTime };
    });
  } catch (err) {
    throw calendarError(err, where, names);
  }
}

/** InvalidDocument, InvalidDocumentType and AccessDenied as a CalendarError naming the calendar; anything else unchanged. */
function calendarError(err: unknown, where: CalendarCallsContext, names: readonly string[]): unknown {
  if (!(err instanceof AwsError)) return err;
  const calendar = names.length === 1 ? names[0]! : names.join(', ');
  const at = `in scope ${where.scope} (${where.region})`;
  if (err.awsCode === 'InvalidDocument')
    return new CalendarError(calendar, 'missing', `calendar ${calendar} does not exist ${at}`, {
      cause: err,
      userMessage: `The Change Calendar ${calendar} does not exist ${at}: check the group's changeCalendars (a calendar's name, or its document ARN when it is shared from another account).`,
    });
  if (err.awsCode === 'InvalidDocumentType' || err.awsCode === 'UnsupportedCalendarException')
    return new CalendarError(calendar, 'wrong-type', `document ${calendar} is not a Change Calendar ${at}`, {
      cause: err,
      userMessage: `The document ${calendar} ${at} is not a Change Calendar (GetCalendarState reads documents of type ChangeCalendar): fix the group's changeCalendars.`,
    });
  if (err.code === 'AWS_ACCESS_DENIED') {
    const permission = `ssm:GetCalendarState on ${names.map((n) => calendarDocumentArn(n, where.region, where.account)).join(', ')}`;
    return new CalendarError(calendar, 'denied', `access to calendar ${calendar} denied ${at}`, {
      cause: err,
      permission,
      userMessage: `AWS denied patchbot reading the Change Calendar ${calendar} ${at}. Grant \`${permission}\` to patchbot's role for that account.`,
    });
  }
  return err;
}
