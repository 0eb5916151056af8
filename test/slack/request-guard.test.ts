import { RequestRefusedError } from '../../src/errors';
import { learnInstallation } from '../../src/slack/installation';
import {
  checkInstallation,
  checkTimestamp,
  ReplayMemory,
  RequestGuard,
  RequestIdentitySchema,
  type Installation,
} from '../../src/slack/request-guard';

const NOW = Date.UTC(2026, 11, 2, 5, 0, 0);
const nowS = NOW / 1000;
const SIG = `v0=${'a'.repeat(64)}`;
const INSTALL: Installation = { teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false, appId: 'A1' };

/** The reason a call refuses with, or 'accepted'. */
async function outcome(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'accepted';
  } catch (err) {
    if (err instanceof RequestRefusedError) return `${err.status} ${err.reason}`;
    throw err;
  }
}

describe('checkTimestamp', () => {
  it.each([
    [0, 'accepted'],
    [300, 'accepted'],
    [-300, 'accepted'],
    [301, '401 future_timestamp'],
    [600, '401 future_timestamp'],
    [365 * 86400, '401 future_timestamp'],
    [-301, '401 stale_timestamp'],
  ])('%i s from now: %s', async (offset, expected) => {
    expect(await outcome(() => checkTimestamp(nowS + offset, NOW))).toBe(expected);
  });
});

describe('RequestIdentitySchema', () => {
  it('reads a slash command and an interaction alike', async () => {
    expect(
      RequestIdentitySchema.parse({
        team_id: 'T1',
        api_app_id: 'A1',
        enterprise_id: '',
        trigger_id: 'x.1',
        text: 'scan',
      }),
    ).toEqual({
      teamId: 'T1',
      appId: 'A1',
      enterpriseId: undefined,
      triggerId: 'x.1',
    });
    expect(
      RequestIdentitySchema.parse({
        type: 'block_actions',
        team: { id: 'T2' },
        enterprise: null,
        api_app_id: 'A1',
        trigger_id: 'y',
      }),
    ).toEqual({
      teamId: 'T2',
      appId: 'A1',
      enterpriseId: undefined,
      triggerId: 'y',
    });
    expect(RequestIdentitySchema.parse({ team: null, enterprise: { id: 'E1' }, api_app_id: 'A1' }).enterpriseId).toBe(
      'E1',
    );
  });
});

describe('checkInstallation', () => {
  const id = (over: Partial<{ teamId: string; appId: string; enterpriseId: string }>) => ({
    teamId: 'T1',
    appId: 'A1',
    enterpriseId: undefined,
    triggerId: undefined,
    ...over,
  });

  it('a workspace install takes its own workspace and app only', async () => {
    expect(await outcome(() => checkInstallation(id({}), INSTALL))).toBe('accepted');
    expect(await outcome(() => checkInstallation(id({ teamId: 'T9' }), INSTALL))).toBe('403 foreign_team');
    expect(await outcome(() => checkInstallation(id({ appId: 'A9' }), INSTALL))).toBe('403 foreign_app');
    expect(await outcome(() => checkInstallation(id({ enterpriseId: 'E9' }), INSTALL))).toBe('403 foreign_enterprise');
  });

  it('a workspace install inside an enterprise wants both the workspace and the enterprise', async () => {
    const grid = { ...INSTALL, enterpriseId: 'E1' };
    expect(await outcome(() => checkInstallation(id({ enterpriseId: 'E1' }), grid))).toBe('accepted');
    expect(await outcome(() => checkInstallation(id({ enterpriseId: 'E1', teamId: 'T2' }), grid))).toBe(
      '403 foreign_team',
    );
    expect(await outcome(() => checkInstallation(id({}), grid))).toBe('403 foreign_enterprise');
  });

  it('an org-wide install takes any workspace of its enterprise', async () => {
    const org = { ...INSTALL, enterpriseId: 'E1', isEnterpriseInstall: true };
    expect(await outcome(() => checkInstallation(id({ enterpriseId: 'E1', teamId: 'T7' }), org))).toBe('accepted');
    expect(await outcome(() => checkInstallation({ ...id({ enterpriseId: 'E1' }), teamId: undefined }, org))).toBe(
      'accepted',
    );
    expect(await outcome(() => checkInstallation(id({ enterpriseId: 'E2', teamId: 'T7' }), org))).toBe(
      '403 foreign_enterprise',
    );
    expect(await outcome(() => checkInstallation(id({ teamId: 'T7' }), org))).toBe('403 foreign_enterprise');
    expect(await outcome(() => checkInstallation(id({ enterpriseId: 'E1', appId: 'A2' }), org))).toBe(
      '403 foreign_app',
    );
  });
});

describe('ReplayMemory', () => {
  it('refuses a key seen within its window and forgets it afterwards', async () => {
    const m = new ReplayMemory(10);
    await m.admit(['sig:1'], nowS, NOW);
    expect(await outcome(() => m.admit(['sig:1'], nowS, NOW + 2000))).toBe('409 replay');
    expect(await outcome(() => m.admit(['sig:2', 'sig:1'], nowS, NOW + 2000))).toBe('409 replay');
    // Past the window Bolt refuses the stale timestamp anyway; the key may go.
    expect(await outcome(() => m.admit(['sig:1'], nowS, NOW + 302_000))).toBe('accepted');
  });

  it('keeps a future-stamped request until its own window ends', async () => {
    const m = new ReplayMemory(10);
    await m.admit(['sig:f'], nowS + 200, NOW);
    expect(await outcome(() => m.admit(['sig:f'], nowS + 200, NOW + 400_000))).toBe('409 replay');
    expect(await outcome(() => m.admit(['sig:f'], nowS + 200, NOW + 502_000))).toBe('accepted');
  });

  it('is bounded: full of unexpired requests it refuses rather than forgets', async () => {
    const m = new ReplayMemory(3);
    for (const k of ['a', 'b', 'c']) await m.admit([k], nowS, NOW);
    expect(await outcome(() => m.admit(['d'], nowS, NOW + 1000))).toBe('503 replay_memory_full');
    expect(m.size).toBe(3);
    expect(await outcome(() => m.admit(['d'], nowS + 400, NOW + 302_000))).toBe('accepted');
    expect(m.size).toBe(1);
  });
});

describe('RequestGuard', () => {
  const body = { team_id: 'T1', api_app_id: 'A1', trigger_id: 'trig.1' };

  it('HTTP mode: signing headers required, timestamp window, installation, then replay by signature or trigger_id', async () => {
    const g = new RequestGuard({ mode: 'http', installation: () => INSTALL });
    const signing = { timestamp: String(nowS), signature: SIG };
    expect(await outcome(() => g.check({ body, signing: undefined, nowMs: NOW }))).toBe('401 unsigned');
    expect(
      await outcome(() => g.check({ body, signing: { ...signing, timestamp: String(nowS + 601) }, nowMs: NOW })),
    ).toBe('401 future_timestamp');
    expect(await outcome(() => g.check({ body: { ...body, team_id: 'T9' }, signing, nowMs: NOW }))).toBe(
      '403 foreign_team',
    );
    expect(await outcome(() => g.check({ body, signing, nowMs: NOW }))).toBe('accepted');
    expect(await outcome(() => g.check({ body, signing, nowMs: NOW + 2000 }))).toBe('409 replay');
    // The same trigger under another signature is the same request sent again.
    expect(
      await outcome(() =>
        g.check({ body, signing: { ...signing, signature: `v0=${'b'.repeat(64)}` }, nowMs: NOW + 2000 }),
      ),
    ).toBe('409 replay');
  });

  it('Socket Mode: no signature, the installation still checked', async () => {
    const g = new RequestGuard({ mode: 'socket', installation: () => INSTALL });
    expect(await outcome(() => g.check({ body, signing: undefined, nowMs: NOW }))).toBe('accepted');
    expect(await outcome(() => g.check({ body: { ...body, api_app_id: 'A9' }, signing: undefined, nowMs: NOW }))).toBe(
      '403 foreign_app',
    );
  });

  it('refuses everything until the installation is known', async () => {
    const g = new RequestGuard({ mode: 'socket', installation: () => undefined });
    expect(await outcome(() => g.check({ body, signing: undefined, nowMs: NOW }))).toBe('503 not_started');
  });
});

describe('learnInstallation', () => {
  const client = (auth: object, bots?: () => Promise<object>) =>
    ({
      auth: { test: async () => ({ ok: true, ...auth }) },
      bots: { info: bots ?? (async () => Promise.reject(new Error('not called'))) },
    }) as unknown as Parameters<typeof learnInstallation>[0];

  it('takes the app id from auth.test when it is there', async () => {
    await expect(
      learnInstallation(client({ team_id: 'T1', app_id: 'A1', bot_id: 'B1', is_enterprise_install: false })),
    ).resolves.toEqual(INSTALL);
  });

  it('asks bots.info for the app id otherwise, and reads an org-wide install', async () => {
    const asked: unknown[] = [];
    const inst = await learnInstallation(
      client(
        { team_id: 'E1', enterprise_id: 'E1', bot_id: 'B1', is_enterprise_install: true },
        async (...args: unknown[]) => {
          asked.push(...args);
          return { ok: true, bot: { id: 'B1', app_id: 'A1' } };
        },
      ),
    );
    expect(inst).toEqual({ teamId: 'E1', enterpriseId: 'E1', isEnterpriseInstall: true, appId: 'A1' });
    expect(asked).toEqual([{ bot: 'B1', team_id: 'E1' }]);
  });

  it('fails start-up naming the scope when Slack refuses bots.info', async () => {
    const missing = Object.assign(new Error('An API error occurred: missing_scope'), {
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'missing_scope' },
    });
    await expect(
      learnInstallation(client({ team_id: 'T1', bot_id: 'B1' }, async () => Promise.reject(missing))),
    ).rejects.toThrow(/missing_scope/);
    await expect(
      learnInstallation(client({ team_id: 'T1', bot_id: 'B1' }, async () => Promise.reject(missing))),
    ).rejects.toMatchObject({ userMessage: expect.stringMatching(/users:read/) });
  });
});
