/**
 * Change Calendar: GetCalendarState through the real SSM client, over calendars set through the
 * admin endpoint and the in-process API, on a manual clock so transitions are exact.
 */
import { GetCalendarStateCommand } from '@aws-sdk/client-ssm';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { ManualClock } from '../../src/clock';
import { admin, clients, failure } from './helpers';

const HOUR = 3_600_000;

describe('GetCalendarState', () => {
  let sim: FleetSimulator;
  let aws: ReturnType<typeof clients>;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock('2026-12-20T10:00:00Z');
    sim = await startFleetSimulator({ port: 0, clock });
    aws = clients(sim.url);
  });
  afterEach(async () => {
    aws.destroy();
    await sim.close();
  });

  const state = (CalendarNames: string[], AtTime?: string) =>
    aws.ssm.send(new GetCalendarStateCommand({ CalendarNames, ...(AtTime ? { AtTime } : {}) }));

  it('answers a calendar set over HTTP, and flips it when the clock passes its transition', async () => {
    const set = await admin(sim.url, '/_sandbox/calendars/prod-freeze', {
      state: 'CLOSED',
      nextTransitionTime: '2026-12-20T12:00:00Z',
    });
    expect(set).toEqual({
      status: 200,
      json: {
        name: 'prod-freeze',
        account: '123456789012',
        region: 'us-east-1',
        state: 'CLOSED',
        nextTransitionTime: '2026-12-20T12:00:00Z',
      },
    });
    expect(await state(['prod-freeze'])).toMatchObject({
      State: 'CLOSED',
      AtTime: '2026-12-20T10:00:00Z',
      NextTransitionTime: '2026-12-20T12:00:00Z',
    });
    clock.advance(2 * HOUR - 1000);
    expect((await state(['prod-freeze'])).State).toBe('CLOSED');
    clock.advance(1000);
    const open = await state(['prod-freeze']);
    expect(open.State).toBe('OPEN');
    expect(open.NextTransitionTime).toBeUndefined();
    expect((await admin(sim.url, '/_sandbox/calendars/prod-freeze')).json).toMatchObject({
      state: 'OPEN',
      nextTransitionTime: null,
    });
  });

  it('answers for AtTime as given, before and after the transition', async () => {
    sim.setCalendar('holidays', { state: 'OPEN', nextTransitionTime: '2026-12-24T00:00:00Z' });
    expect(await state(['holidays'], '2026-12-23T23:59:00Z')).toMatchObject({
      State: 'OPEN',
      AtTime: '2026-12-23T23:59:00Z',
      NextTransitionTime: '2026-12-24T00:00:00Z',
    });
    const after = await state(['holidays'], '2026-12-24T01:00:00+01:00');
    expect(after).toMatchObject({ State: 'CLOSED', AtTime: '2026-12-24T01:00:00+01:00' });
    expect(after.NextTransitionTime).toBeUndefined();
  });

  it('is OPEN only when every calendar is open; the next transition is when that answer changes', async () => {
    sim.setCalendar('a-open', { state: 'OPEN', nextTransitionTime: '2026-12-20T15:00:00Z' });
    sim.setCalendar('b-open', { state: 'OPEN', nextTransitionTime: '2026-12-20T13:00:00Z' });
    sim.setCalendar('c-closed', { state: 'CLOSED', nextTransitionTime: '2026-12-20T11:00:00Z' });
    sim.setCalendar('d-closed', { state: 'CLOSED', nextTransitionTime: '2026-12-20T12:00:00Z' });
    // Both open: the first one to close ends it.
    expect(await state(['a-open', 'b-open'])).toMatchObject({
      State: 'OPEN',
      NextTransitionTime: '2026-12-20T13:00:00Z',
    });
    // Two closed: open only once the later one opens.
    expect(await state(['c-closed', 'd-closed', 'a-open'])).toMatchObject({
      State: 'CLOSED',
      NextTransitionTime: '2026-12-20T12:00:00Z',
    });
    // Closed until 12:00, and b closes at 13:00 for good: open from 12:00 to 13:00.
    const withB = await state(['d-closed', 'b-open']);
    expect(withB).toMatchObject({ State: 'CLOSED', NextTransitionTime: '2026-12-20T12:00:00Z' });
    // Never open together: CLOSED with no transition that changes the answer.
    sim.setCalendar('e-closed', { state: 'CLOSED', nextTransitionTime: '2026-12-20T14:00:00Z' });
    const never = await state(['e-closed', 'b-open']);
    expect(never.State).toBe('CLOSED');
    expect(never.NextTransitionTime).toBeUndefined();
  });

  it('takes a document ARN in the caller’s account and region', async () => {
    sim.setCalendar('prod-freeze', { state: 'CLOSED' });
    const arn = 'arn:aws:ssm:us-east-1:123456789012:document/prod-freeze';
    expect((await state([arn])).State).toBe('CLOSED');
    const other = await failure(state(['arn:aws:ssm:eu-west-1:123456789012:document/prod-freeze']));
    expect(other.name).toBe('InvalidDocument');
  });

  it('keeps calendars per account and region', async () => {
    sim.setCalendar('prod-freeze', { state: 'CLOSED' }, { region: 'eu-west-1' });
    expect((await failure(state(['prod-freeze']))).name).toBe('InvalidDocument');
    const eu = clients(sim.url, { region: 'eu-west-1' });
    try {
      expect((await eu.ssm.send(new GetCalendarStateCommand({ CalendarNames: ['prod-freeze'] }))).State).toBe('CLOSED');
    } finally {
      eu.destroy();
    }
  });

  it('refuses what AWS refuses, with its error codes', async () => {
    sim.setCalendar('prod-freeze', { state: 'OPEN' });
    const unknown = await failure(state(['prod-freeze', 'no-such-calendar']));
    expect(unknown.name).toBe('InvalidDocument');
    expect(unknown.message).toContain('no-such-calendar');
    const command = await failure(state(['AWS-RunPatchBaseline']));
    expect(command.name).toBe('InvalidDocumentType');
    const badTime = await failure(state(['prod-freeze'], 'tomorrow'));
    expect(badTime.name).toBe('ValidationException');
    expect(badTime.message).toContain('ISO 8601');
    const none = await failure(aws.ssm.send(new GetCalendarStateCommand({} as never)));
    expect(none.name).toBe('ValidationException');
    expect((await failure(state([]))).name).toBe('ValidationException');
  });

  it('answers AccessDeniedException when the deny knob names the action', async () => {
    sim.setCalendar('prod-freeze', { state: 'OPEN' });
    sim.configure({ deny: [{ action: 'ssm:GetCalendarState' }] });
    const denied = await failure(state(['prod-freeze']));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('ssm:GetCalendarState');
  });

  it('checks the admin body and the name with clear 400s, and lists the endpoint', async () => {
    const badState = await admin(sim.url, '/_sandbox/calendars/prod-freeze', { state: 'SHUT' });
    expect(badState.status).toBe(400);
    expect(badState.json.message).toContain('state');
    const badTime = await admin(sim.url, '/_sandbox/calendars/prod-freeze', {
      state: 'OPEN',
      nextTransitionTime: 'next week',
    });
    expect(badTime.status).toBe(400);
    expect(badTime.json.message).toContain('nextTransitionTime');
    const past = await admin(sim.url, '/_sandbox/calendars/prod-freeze', {
      state: 'OPEN',
      nextTransitionTime: '2026-12-20T09:00:00Z',
    });
    expect(past.status).toBe(400);
    expect(past.json.message).toContain('not after');
    expect((await admin(sim.url, '/_sandbox/calendars/x', { state: 'OPEN' })).status).toBe(400);
    expect((await admin(sim.url, '/_sandbox/calendars/unknown-one')).status).toBe(404);
    const help = await admin(sim.url, '/_sandbox/nothing-here');
    expect(JSON.stringify(help.json.endpoints)).toContain('/_sandbox/calendars/{name}');
  });
});
