import { join } from 'node:path';
import { DEFAULT_RATE_LIMIT } from '../../src/config/rate-limit';
import { ConfigError } from '../../src/errors';
import {
  describeConfig,
  findGroup,
  findScope,
  loadConfig,
  windowChannels,
  type LoadConfigOptions,
} from '../../src/config';

function loadIssues(options: LoadConfigOptions): { file: string; lines: string[] } {
  try {
    loadConfig(options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    return { file: e.file, lines: e.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)) };
  }
  throw new Error('expected loadConfig to fail');
}

const enoent = (path: string): never => {
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
};

describe('loadConfig', () => {
  it('says where it looked when the file is missing, and that PATCHBOT_CONFIG sets the path', () => {
    expect(loadIssues({ env: {}, cwd: '/srv/patchbot', readFile: enoent })).toEqual({
      file: '/srv/patchbot/patchbot.yml',
      lines: [
        'no such file (PATCHBOT_CONFIG is not set, so patchbot looked for ./patchbot.yml; set PATCHBOT_CONFIG to the path of your patchbot.yml, see patchbot.example.yml)',
      ],
    });
    expect(loadIssues({ env: { PATCHBOT_CONFIG: 'conf/bot.yml' }, cwd: '/srv', readFile: enoent })).toEqual({
      file: '/srv/conf/bot.yml',
      lines: [
        'no such file (PATCHBOT_CONFIG is "conf/bot.yml"; set PATCHBOT_CONFIG to the path of your patchbot.yml, see patchbot.example.yml)',
      ],
    });
  });

  it('reads the real file system by default', () => {
    expect(loadIssues({ env: { PATCHBOT_CONFIG: '/nonexistent/dir/patchbot.yml' } }).lines[0]).toMatch(
      /^no such file \(PATCHBOT_CONFIG is/,
    );
    expect(loadIssues({ env: { PATCHBOT_CONFIG: __dirname } }).lines[0]).toMatch(/^this is a directory, not a file/);
  });

  it('says an empty file is empty and where it looked', () => {
    expect(loadIssues({ env: {}, cwd: '/srv', readFile: () => '\n# todo\n' })).toEqual({
      file: '/srv/patchbot.yml',
      lines: [
        'the file is empty (PATCHBOT_CONFIG is not set, so patchbot looked for ./patchbot.yml); define at least groups, see patchbot.example.yml',
      ],
    });
  });

  it('checks the environment first', () => {
    expect(loadIssues({ env: { PORT: 'x' }, readFile: () => '' })).toEqual({
      file: 'environment',
      lines: ['PORT: expected a port number from 0 to 65535, got "x"'],
    });
  });

  it('returns the file, the env and the config', () => {
    const app = loadConfig({
      env: { AWS_DEFAULT_REGION: 'eu-west-2', LOG_LEVEL: 'warn', SLACK_BOT_TOKEN: 'xoxb-TOPSECRET' },
      cwd: '/srv',
      readFile: (path) => {
        expect(path).toBe('/srv/patchbot.yml');
        return 'groups: {PRD: {channel: C1, operators: [U1]}}';
      },
    });
    expect(app.file).toBe('/srv/patchbot.yml');
    expect(app.env.slack.botToken).toBe('xoxb-TOPSECRET');
    expect(app.config.aws.scopes).toEqual([{ name: 'default', regions: ['eu-west-2'], rateLimit: DEFAULT_RATE_LIMIT }]);
    expect(app.config.log.level).toBe('warn');
  });
});

describe('lookups and description', () => {
  const root = join(__dirname, '..', '..');
  const app = loadConfig({
    env: {
      PATCHBOT_CONFIG: 'patchbot.example.yml',
      SLACK_BOT_TOKEN: 'xoxb-TOPSECRET',
      SLACK_SIGNING_SECRET: 'TOPSECRET',
    },
    cwd: root,
  });
  const { config } = app;

  it('findGroup ignores case and blanks; findScope is exact', () => {
    expect(findGroup(config, ' Prd ')?.name).toBe('PRD');
    expect(findGroup(config, 'QA')).toBeUndefined();
    expect(findScope(config, 'production')?.roleArn).toBe('arn:aws:iam::210987654321:role/patchbot');
    expect(findScope(config, 'Production')).toBeUndefined();
  });

  it('windowChannels: listed by id or name, else the channels of the groups the targets name', () => {
    expect(windowChannels(config, { windowId: 'mw-0abc123def4567890' })).toEqual(['#patching-windows']);
    expect(
      windowChannels(config, { windowId: 'mw-1', windowName: 'prd-nightly-install', targetGroups: ['STG'] }),
    ).toEqual(['C0123PROD']);
    expect(
      windowChannels(config, { windowId: 'mw-2', targetGroups: ['STG', 'windows-prd', 'stg', 'unknown'] }),
    ).toEqual(['C0123STAGE', '#patching-windows']);
    const none = { ...config, windows: { ...config.windows, fallback: 'none' as const } };
    expect(windowChannels(none, { windowId: 'mw-2', targetGroups: ['STG'] })).toEqual([]);
  });

  it('describeConfig is safe to log', () => {
    const described = describeConfig(app);
    const text = JSON.stringify(described);
    expect(text).not.toContain('TOPSECRET');
    expect(text).not.toContain('patchbot-prd');
    expect(described).toMatchObject({
      slack: {
        mode: 'http',
        botToken: '[redacted]',
        signingSecret: '[redacted]',
        appToken: '[not set]',
        updateIntervalMs: 5000,
      },
      port: 3000,
      logLevel: 'info',
    });
    expect((described.groups as unknown[])[2]).toEqual({
      name: 'WIN',
      tag: 'PatchGroup=windows-prd',
      os: 'WINDOWS',
      channel: '#patching-windows',
      scopes: ['staging', 'production'],
      approvalRequired: true,
      promoteFrom: undefined,
    });
  });
});
