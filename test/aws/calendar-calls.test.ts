/** GetCalendarState as the gateway reads it: the answer checked, and the three "cannot be read" answers named. */
import { calendarDocumentArn, getCalendarState } from '../../src/aws/calendar-calls';
import { toAwsError } from '../../src/aws/error-mapping';
import type { GatewayCalls } from '../../src/aws/gateway-calls';
import { AwsError, CalendarError } from '../../src/errors';
import { silentLogger } from '../../src/logger';

const where = { scope: 'prod', region: 'eu-west-1', account: '123456789012' };

/** Gateway calls whose SSM client answers `answer` (or throws it) and records what it was sent. */
function calls(answer: unknown, sent: unknown[] = []): GatewayCalls {
  const ssm = {
    send: async (command: { input: unknown }) => {
      sent.push(command.input);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return {
    clients: { ssm } as never,
    log: silentLogger(),
    call: async (service, operation, fn) => {
      try {
        return await fn();
      } catch (err) {
        throw toAwsError(err, { service, operation, scope: where.scope, region: where.region });
      }
    },
  };
}

function sdkError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status, requestId: 'req-1' },
  });
}

describe('getCalendarState', () => {
  it('reads State, AtTime and NextTransitionTime, and sends AtTime in whole seconds', async () => {
    const sent: unknown[] = [];
    const g = calls(
      { State: 'CLOSED', AtTime: '2026-03-01T00:00:00Z', NextTransitionTime: '2026-03-01T06:00:00Z' },
      sent,
    );
    const reading = await getCalendarState(g, where, ['prd-freeze'], new Date('2026-03-01T00:00:00.250Z'));
    expect(reading).toEqual({
      state: 'CLOSED',
      atTime: new Date('2026-03-01T00:00:00Z'),
      nextTransitionTime: new Date('2026-03-01T06:00:00Z'),
    });
    expect(sent).toEqual([{ CalendarNames: ['prd-freeze'], AtTime: '2026-03-01T00:00:00Z' }]);
  });

  it('refuses an answer it cannot read rather than guess OPEN', async () => {
    const err = await getCalendarState(calls({ State: 'MAYBE', AtTime: 'x' }), where, ['prd-freeze']).catch((e) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect(err.message).toMatch(/State/);
    expect(err.userMessage).toMatch(/counts as closed/);
  });

  it.each([
    ['InvalidDocument', 'missing', /does not exist in scope prod \(eu-west-1\)/],
    ['InvalidDocumentType', 'wrong-type', /is not a Change Calendar/],
    ['UnsupportedCalendarException', 'wrong-type', /is not a Change Calendar/],
  ])('%s names the calendar (%s)', async (code, problem, message) => {
    const err = await getCalendarState(calls(sdkError(code)), where, ['prd-freeze']).catch((e) => e);
    expect(err).toBeInstanceOf(CalendarError);
    expect(err).toMatchObject({ calendar: 'prd-freeze', problem, code: 'CALENDAR_UNREADABLE' });
    expect(err.userMessage).toMatch(message);
    expect(err.userMessage).toContain('prd-freeze');
  });

  it('AccessDenied names the permission on the calendar document ARN', async () => {
    const err = await getCalendarState(calls(sdkError('AccessDeniedException')), where, ['prd-freeze']).catch((e) => e);
    expect(err).toBeInstanceOf(CalendarError);
    expect(err.problem).toBe('denied');
    expect(err.permission).toBe('ssm:GetCalendarState on arn:aws:ssm:eu-west-1:123456789012:document/prd-freeze');
    expect(err.userMessage).toContain(err.permission);
  });

  it('leaves other failures (throttling, no answer) as they are: the caller counts them as closed', async () => {
    const err = await getCalendarState(calls(sdkError('ThrottlingException')), where, ['prd-freeze']).catch((e) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect(err).not.toBeInstanceOf(CalendarError);
    expect(err.code).toBe('AWS_THROTTLED');
  });
});

describe('calendarDocumentArn', () => {
  it('keeps an ARN, and builds one from a name in the scope account and region', () => {
    const arn = 'arn:aws:ssm:us-east-1:210987654321:document/shared-freeze';
    expect(calendarDocumentArn(arn, 'eu-west-1', '123456789012')).toBe(arn);
    expect(calendarDocumentArn('prd-freeze', 'eu-west-1', '123456789012')).toBe(
      'arn:aws:ssm:eu-west-1:123456789012:document/prd-freeze',
    );
    expect(calendarDocumentArn('prd-freeze', 'eu-west-1', undefined)).toBe(
      'arn:aws:ssm:eu-west-1:<account id>:document/prd-freeze',
    );
  });
});
