/** User group handles for views: asked of usergroups.list only when a group is named, cached 5 min, failing soft. */
import type { WebClient } from '@slack/web-api';
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { SlackNameDirectory } from '../../src/slack/directory';

function fakeClient(answers: Array<() => Promise<unknown>>) {
  let calls = 0;
  const client = {
    usergroups: {
      list: async () => {
        const answer = answers[Math.min(calls, answers.length - 1)] as () => Promise<unknown>;
        calls += 1;
        return answer();
      },
    },
  } as unknown as WebClient;
  return { client, calls: () => calls };
}

const LEADS = {
  usergroups: [
    { id: 'S0LEADS001', handle: 'patch-leads' },
    { id: 'S0OPS0001', handle: 'ops' },
  ],
};

describe('SlackNameDirectory', () => {
  it('resolves the handles of the user groups asked for, and asks Slack nothing when none is', async () => {
    const { client, calls } = fakeClient([async () => LEADS]);
    const names = new SlackNameDirectory(client, new ManualClock(new Date('2026-03-10T12:00:00Z')), silentLogger());
    expect(await names.handles(['U0ALICE001', 'C0STGPATCH'])).toEqual(new Map());
    expect(calls()).toBe(0);
    expect(await names.handles(['U0BOB00001', 'S0LEADS001'])).toEqual(new Map([['S0LEADS001', 'patch-leads']]));
    expect(await names.handles()).toEqual(
      new Map([
        ['S0LEADS001', 'patch-leads'],
        ['S0OPS0001', 'ops'],
      ]),
    );
    expect(calls()).toBe(1);
  });

  it('shares one listing between concurrent askers and caches it for 5 minutes', async () => {
    const { client, calls } = fakeClient([async () => LEADS]);
    const clock = new ManualClock(new Date('2026-03-10T12:00:00Z'));
    const names = new SlackNameDirectory(client, clock, silentLogger());
    await Promise.all([names.handles(['S0LEADS001']), names.handles(['S0OPS0001'])]);
    expect(calls()).toBe(1);
    clock.advance(4 * 60_000);
    await names.handles(['S0LEADS001']);
    expect(calls()).toBe(1);
    clock.advance(2 * 60_000);
    await names.handles(['S0LEADS001']);
    expect(calls()).toBe(2);
  });

  it('fails soft: an error answers with what was known (or nothing) and is retried after 30 s', async () => {
    const { client, calls } = fakeClient([
      async () => LEADS,
      async () => Promise.reject(new Error('missing_scope')),
      async () => ({ usergroups: [] }),
    ]);
    const clock = new ManualClock(new Date('2026-03-10T12:00:00Z'));
    const names = new SlackNameDirectory(client, clock, silentLogger());
    expect(await names.handles(['S0LEADS001'])).toEqual(new Map([['S0LEADS001', 'patch-leads']]));
    clock.advance(6 * 60_000);
    expect(await names.handles(['S0LEADS001'])).toEqual(new Map([['S0LEADS001', 'patch-leads']]));
    expect(calls()).toBe(2);
    clock.advance(10_000);
    await names.handles(['S0LEADS001']);
    expect(calls()).toBe(2);
    clock.advance(30_000);
    expect(await names.handles(['S0LEADS001'])).toEqual(new Map());
    expect(calls()).toBe(3);

    const { client: broken } = fakeClient([async () => Promise.reject(new Error('missing_scope'))]);
    expect(await new SlackNameDirectory(broken, clock, silentLogger()).handles(['S0LEADS001'])).toEqual(new Map());
  });
});

describe('SlackNameDirectory.userName', () => {
  it('names a person by real name through users.info, once an hour, and answers undefined when Slack will not say', async () => {
    let calls = 0;
    const client = {
      users: {
        info: async ({ user }: { user: string }) => {
          calls += 1;
          if (user === 'U0GONE0001') throw new Error('user_not_found');
          return {
            ok: true,
            user: { id: user, name: 'bob', real_name: 'Bob Approver', profile: { display_name: 'bob' } },
          };
        },
      },
    } as unknown as WebClient;
    const clock = new ManualClock(new Date('2026-03-10T12:00:00Z'));
    const names = new SlackNameDirectory(client, clock, silentLogger());
    expect(await names.userName('U0BOB00001')).toBe('Bob Approver');
    expect(await names.userName('U0BOB00001')).toBe('Bob Approver');
    expect(calls).toBe(1);
    expect(await names.userName('U0GONE0001')).toBeUndefined();
    clock.advance(61 * 60_000);
    expect(await names.userName('U0BOB00001')).toBe('Bob Approver');
    expect(calls).toBe(3);
  });
});
