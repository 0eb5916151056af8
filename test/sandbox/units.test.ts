/**
 * The simulator's pure parts: AWS cron, Query decoding, XML escaping, paging tokens, approval
 * rules, the token bucket and the even spread of injected faults.
 */
import { formatExecutionTime, nextExecution, parseSchedule, previousExecution } from '@patchbot/sandbox/aws/cron';
import { parseQuery, queryStringList, queryStructList } from '@patchbot/sandbox/aws/protocol/query';
import { XmlList, element, escapeXml } from '@patchbot/sandbox/aws/protocol/xml';
import { paginate } from '@patchbot/sandbox/aws/paging';
import { SimulatorError } from '@patchbot/sandbox/aws/errors';
import { approvalLevel } from '@patchbot/sandbox/aws/fleet/compliance';
import { customBaseline, rule } from '@patchbot/sandbox/aws/fleet/baselines';
import { FaultPlan, TokenBucket, DEFAULT_KNOBS } from '@patchbot/sandbox/aws/knobs';
import { Random } from '@patchbot/sandbox/aws/random';
import type { CatalogPatch } from '@patchbot/sandbox/aws/fleet/model';

describe('AWS cron', () => {
  const after = new Date('2026-11-23T18:00:00Z');

  it('reads min hour dom month dow year with ? and 1 = Sunday', () => {
    expect(nextExecution('cron(00 17 * * ? *)', { after })).toEqual(new Date('2026-11-24T17:00:00Z'));
    // 3 is Tuesday in AWS cron (it would be Wednesday in Unix cron).
    expect(nextExecution('cron(0 3 ? * 3 *)', { after })).toEqual(nextExecution('cron(0 3 ? * TUE *)', { after }));
    expect(nextExecution('cron(0 3 ? * 3 *)', { after })?.getUTCDay()).toBe(2);
    expect(nextExecution('cron(0 2 ? * 6#3 *)', { after })).toEqual(new Date('2026-12-18T02:00:00Z')); // third Friday
    expect(nextExecution('cron(0 2 ? * 5L 2027)', { after })).toEqual(new Date('2027-01-28T02:00:00Z')); // last Thursday, 2027 only
    expect(nextExecution('cron(0 2 1 * ? 2020)', { after })).toBeUndefined();
  });

  it('honours the time zone, the schedule offset and rate expressions', () => {
    const berlin = nextExecution('cron(0 3 ? * TUE *)', { after, timezone: 'Europe/Berlin' })!;
    expect(berlin).toEqual(new Date('2026-11-24T02:00:00Z'));
    expect(formatExecutionTime(berlin, 'Europe/Berlin')).toBe('2026-11-24T03:00+01:00');
    expect(formatExecutionTime(new Date('2026-07-01T01:00:00Z'), 'Europe/Berlin')).toBe('2026-07-01T03:00+02:00');
    expect(formatExecutionTime(berlin)).toBe('2026-11-24T02:00Z');
    // ScheduleOffset: two days after the cron date (the Tuesday before `after` + 2 is Thursday).
    expect(nextExecution('cron(0 3 ? * TUE *)', { after, offsetDays: 2 })).toEqual(new Date('2026-11-26T03:00:00Z'));
    expect(nextExecution('rate(6 hours)', { after, anchor: new Date('2026-11-23T01:00:00Z') })).toEqual(
      new Date('2026-11-23T19:00:00Z'),
    );
    expect(previousExecution('cron(00 17 * * ? *)', { before: after })).toEqual(new Date('2026-11-23T17:00:00Z'));
  });

  it('rejects what AWS rejects', () => {
    for (const bad of ['cron(0 3 * * * *)', 'cron(0 3 ? * ? *)', 'cron(0 3 * *)', 'cron(61 3 * * ? *)', 'every day']) {
      expect(() => parseSchedule(bad)).toThrow();
    }
  });
});

describe('Query protocol decoding and XML', () => {
  it('turns dotted keys back into lists and structures', () => {
    const q = parseQuery(
      'Action=DescribeInstances&InstanceId.2=i-b&InstanceId.1=i-a&Filter.1.Name=tag%3APatch%20Group&Filter.1.Value.1=STG&Filter.1.Value.2=PRD&Filter.2.Name=tag-key&Filter.2.Value.1=Name&PolicyArns.member.1.arn=x',
    );
    expect(queryStringList(q, 'InstanceId')).toEqual(['i-a', 'i-b']);
    expect(queryStructList(q, 'Filter')).toEqual([
      { Name: 'tag:Patch Group', Value: ['STG', 'PRD'] },
      { Name: 'tag-key', Value: ['Name'] },
    ]);
    expect(queryStructList(q, 'PolicyArns')).toEqual([{ arn: 'x' }]);
  });

  it('escapes text and renders lists as repeated items', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    expect(element('tagSet', new XmlList([{ key: 'Name', value: 'a&b' }], 'item'))).toBe(
      '<tagSet><item><key>Name</key><value>a&amp;b</value></item></tagSet>',
    );
    expect(element('t', new Date('2026-01-01T00:00:00Z'))).toBe('<t>2026-01-01T00:00:00.000Z</t>');
    expect(element('skip', undefined)).toBe('');
  });
});

describe('paging tokens', () => {
  const items = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, '0')}`);
  const scope = { partitionKey: 'p', operation: 'Op', request: { Filters: [1] } };
  const invalid = () => new SimulatorError('InvalidNextToken', 'bad');

  it('walks every item once, in key order even when given unsorted', () => {
    const seen: string[] = [];
    let token: string | undefined;
    const shuffled = [...items].reverse();
    do {
      const page = paginate(shuffled, (k) => k, 10, token, scope, invalid);
      seen.push(...page.items);
      token = page.nextToken;
    } while (token);
    expect(seen).toEqual(items);
  });

  it('binds the token to partition, operation and request', () => {
    const { nextToken } = paginate(items, (k) => k, 10, undefined, scope, invalid);
    expect(() => paginate(items, (k) => k, 10, nextToken, { ...scope, partitionKey: 'q' }, invalid)).toThrow('bad');
    expect(() => paginate(items, (k) => k, 10, nextToken, { ...scope, operation: 'Other' }, invalid)).toThrow('bad');
    expect(() => paginate(items, (k) => k, 10, nextToken, { ...scope, request: { Filters: [2] } }, invalid)).toThrow(
      'bad',
    );
    expect(() => paginate(items, (k) => k, 10, 'nonsense', scope, invalid)).toThrow('bad');
    expect(paginate(items, (k) => k, 10, nextToken, scope, invalid).items[0]).toBe('k10');
  });
});

describe('approval rules', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  const patch = (daysAgo: number, severity = 'Critical', classification = 'Security'): CatalogPatch => ({
    id: `p${daysAgo}`,
    os: 'AMAZON_LINUX_2',
    title: `ALAS2-2026-${daysAgo}`,
    kbId: `kb${daysAgo}`,
    classification,
    severity,
    releaseDate: new Date(now - daysAgo * 86_400_000),
  });
  const baseline = (days: number) =>
    customBaseline(new Random(1), {
      name: 'b',
      os: 'AMAZON_LINUX_2',
      description: '',
      rules: [rule('AMAZON_LINUX_2', ['Security'], ['Critical', 'Important'], days, 'CRITICAL')],
      createdDate: new Date(now),
    });

  it('approves matching patches once their delay has passed', () => {
    expect(approvalLevel(baseline(1), patch(2), now)).toBe('CRITICAL');
    expect(approvalLevel(baseline(31), patch(2), now)).toBeUndefined();
    expect(approvalLevel(baseline(31), patch(40), now)).toBe('CRITICAL');
    expect(approvalLevel(baseline(1), patch(0.5), now)).toBeUndefined();
    expect(approvalLevel(baseline(1), patch(5, 'Medium'), now)).toBeUndefined();
    expect(approvalLevel(baseline(1), patch(5, 'Critical', 'Bugfix'), now)).toBeUndefined();
    const windows = { ...patch(40), os: 'WINDOWS' as const };
    expect(approvalLevel(baseline(1), windows, now)).toBeUndefined();
  });

  it('explicit approval and rejection lists win over rules', () => {
    const b = { ...baseline(31), approvedPatches: ['ALAS2-2026-2'], rejectedPatches: ['ALAS2-2026-40'] };
    expect(approvalLevel(b, patch(2), now)).toBe('UNSPECIFIED');
    expect(approvalLevel(b, patch(40), now)).toBeUndefined();
  });
});

describe('knobs', () => {
  it('the token bucket allows a burst of one second, then the rate', () => {
    let t = 0;
    const bucket = new TokenBucket(4, () => t);
    expect([1, 2, 3, 4, 5].map(() => bucket.take())).toEqual([true, true, true, true, false]);
    t += 250;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    bucket.setRate(1);
    t += 1000;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
  });

  it('random faults stay within about two of rate × n over any run', () => {
    const plan = new FaultPlan(new Random(7));
    const knobs = { ...DEFAULT_KNOBS, throttleRate: 0.33, errorRate: 0.1 };
    let throttled = 0;
    let errors = 0;
    for (let n = 1; n <= 1000; n++) {
      const fault = plan.next(knobs);
      if (fault === 'throttle') throttled++;
      if (fault === 'error') errors++;
      expect(Math.abs(throttled - 0.33 * n)).toBeLessThanOrEqual(2);
    }
    expect(errors).toBeGreaterThan(60); // errors only land on requests not already throttled
    expect(errors).toBeLessThan(110);
  });
});
