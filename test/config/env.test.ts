import { inspect } from 'node:util';
import { ConfigError } from '../../src/errors';
import { loadEnv, requireSlackSecrets, type SlackEnv, type SlackSecrets } from '../../src/config';

/** The Slack fields read by name (the secrets are non-enumerable, so matchers that walk keys do not see them). */
function slackFields(slack: SlackEnv | SlackSecrets): Record<string, unknown> {
  const s = slack as unknown as Record<string, unknown>;
  return Object.fromEntries(
    ['mode', 'botToken', 'signingSecret', 'appToken', 'apiUrl', 'port'].filter((k) => k in s).map((k) => [k, s[k]]),
  );
}

function envIssues(env: Record<string, string>): string[] {
  try {
    loadEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).file).toBe('environment');
    return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected the environment to be rejected');
}

function slackIssues(env: Record<string, string>): string[] {
  try {
    requireSlackSecrets(loadEnv(env));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected missing Slack secrets');
}

describe('loadEnv', () => {
  it('fills defaults from an empty environment', () => {
    const env = loadEnv({});
    expect(slackFields(env.slack)).toEqual({
      mode: 'http',
      botToken: undefined,
      signingSecret: undefined,
      appToken: undefined,
      apiUrl: undefined,
    });
    expect({ ...env, slack: undefined }).toEqual({
      slack: undefined,
      port: 3000,
      host: '127.0.0.1',
      configPath: './patchbot.yml',
      database: { backend: 'sqlite', path: './data/patchbot.db' },
      logLevel: undefined,
      defaultRegion: 'us-east-1',
      awsRetry: {},
    });
  });

  it('reads every variable it knows and ignores the rest', () => {
    const env = loadEnv({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'shh',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_API_URL: 'http://127.0.0.1:9000/api/',
      PORT: '8080',
      HOST: '0.0.0.0',
      PATCHBOT_CONFIG: '/etc/patchbot.yml',
      PATCHBOT_DB: ':memory:',
      LOG_LEVEL: 'debug',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_MAX_ATTEMPTS: '5',
      AWS_RETRY_MODE: 'standard',
      HOME: '/root',
    });
    expect(slackFields(env.slack)).toEqual({
      mode: 'socket',
      botToken: 'xoxb-1',
      signingSecret: 'shh',
      appToken: 'xapp-1',
      apiUrl: 'http://127.0.0.1:9000/api/',
    });
    expect({ ...env, slack: undefined }).toEqual({
      slack: undefined,
      port: 8080,
      host: '0.0.0.0',
      configPath: '/etc/patchbot.yml',
      database: { backend: 'sqlite', path: ':memory:' },
      logLevel: 'debug',
      defaultRegion: 'eu-west-1',
      awsRetry: { maxAttempts: 5, retryMode: 'standard' },
    });
  });

  it('treats empty variables as unset', () => {
    const env = loadEnv({ SLACK_APP_TOKEN: '', PORT: '', AWS_REGION: '', AWS_DEFAULT_REGION: 'sa-east-1' });
    expect(env.slack.mode).toBe('http');
    expect(env.slack.appToken).toBeUndefined();
    expect(env).toMatchObject({ port: 3000, defaultRegion: 'sa-east-1' });
  });

  it("reads the AWS SDK's retry variables: a positive whole number of attempts, and a retry mode the SDKs document", () => {
    expect(loadEnv({ AWS_MAX_ATTEMPTS: '1', AWS_RETRY_MODE: 'adaptive' }).awsRetry).toEqual({
      maxAttempts: 1,
      retryMode: 'adaptive',
    });
    expect(loadEnv({ AWS_RETRY_MODE: 'legacy' }).awsRetry).toEqual({ retryMode: 'legacy' });
    expect(loadEnv({ AWS_MAX_ATTEMPTS: '', AWS_RETRY_MODE: '' }).awsRetry).toEqual({});
    for (const bad of ['0', '-2', '3.5', 'three', ' 3', '1e3', '1001']) {
      expect(envIssues({ AWS_MAX_ATTEMPTS: bad })).toEqual([
        `AWS_MAX_ATTEMPTS: expected a whole number of attempts from 1 to 1000, like "8", got ${JSON.stringify(bad)}`,
      ]);
    }
    expect(envIssues({ AWS_RETRY_MODE: 'Adaptive' })).toEqual([
      'AWS_RETRY_MODE: expected one of standard, adaptive, legacy, got "Adaptive"',
    ]);
  });

  it('accepts port 0 (a free port, for tests)', () => {
    expect(loadEnv({ PORT: '0' }).port).toBe(0);
  });

  it('names each bad variable, what was expected and what was found', () => {
    expect(
      envIssues({ PORT: 'http', LOG_LEVEL: 'verbose', AWS_REGION: 'Frankfurt', SLACK_API_URL: 'slack.com/api' }),
    ).toEqual([
      'SLACK_API_URL: expected an http(s) URL like "https://slack.com/api/", got "slack.com/api"',
      'PORT: expected a port number from 0 to 65535, got "http"',
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
      'AWS_REGION: expected an AWS region name like "us-east-1", got "Frankfurt"',
    ]);
    expect(envIssues({ PORT: '70000' })).toEqual(['PORT: expected a port number from 0 to 65535, got "70000"']);
  });

  it('never puts a secret in a message', () => {
    const issues = envIssues({
      SLACK_BOT_TOKEN: 'xapp-1-SECRET',
      SLACK_SIGNING_SECRET: ' SECRET\n',
      SLACK_APP_TOKEN: 'xoxb-SECRET',
    });
    expect(issues).toEqual([
      'SLACK_BOT_TOKEN: holds an app-level token (xapp-…), which belongs in SLACK_APP_TOKEN; the bot token starts with xoxb- (value not shown)',
      'SLACK_SIGNING_SECRET: has leading or trailing whitespace (value not shown)',
      'SLACK_APP_TOKEN: holds a bot or user token (xox…-), but Socket Mode needs the app-level token (xapp-…) (value not shown)',
    ]);
    expect(issues.join('\n')).not.toContain('SECRET\n');
    expect(issues.join('\n')).not.toMatch(/xapp-1|xoxb-SECRET/);
  });

  it('masks the Slack secrets when the env is printed or logged', () => {
    const env = loadEnv({ SLACK_BOT_TOKEN: 'xoxb-TOPSECRET', SLACK_SIGNING_SECRET: 'TOPSECRET' });
    expect(env.slack.botToken).toBe('xoxb-TOPSECRET');
    const json = JSON.stringify(env);
    expect(json).not.toContain('TOPSECRET');
    expect(JSON.parse(json).slack).toEqual({
      mode: 'http',
      botToken: '[redacted]',
      signingSecret: '[redacted]',
      appToken: '[not set]',
    });
    expect(inspect(env, { depth: 5 })).not.toContain('TOPSECRET');
    expect({ ...env.slack }).toEqual({ mode: 'http', apiUrl: undefined });
    expect(Object.keys(env.slack)).toEqual(['mode', 'apiUrl']);
  });
});

describe('requireSlackSecrets', () => {
  it('HTTP mode needs the bot token and the signing secret', () => {
    expect(slackIssues({})).toEqual([
      "SLACK_BOT_TOKEN: missing: set it to the app's bot token (xoxb-…, OAuth & Permissions page)",
      "SLACK_SIGNING_SECRET: missing: HTTP mode (SLACK_APP_TOKEN is not set, so Slack sends requests to port 3000) needs the app's signing secret; or set SLACK_APP_TOKEN for Socket Mode",
    ]);
    expect(slackIssues({ SLACK_BOT_TOKEN: 'xoxb-1', PORT: '8080' })).toEqual([
      "SLACK_SIGNING_SECRET: missing: HTTP mode (SLACK_APP_TOKEN is not set, so Slack sends requests to port 8080) needs the app's signing secret; or set SLACK_APP_TOKEN for Socket Mode",
    ]);
  });

  it('Socket Mode needs the bot token only besides the app token', () => {
    expect(slackIssues({ SLACK_APP_TOKEN: 'xapp-1' })).toEqual([
      "SLACK_BOT_TOKEN: missing: set it to the app's bot token (xoxb-…, OAuth & Permissions page)",
    ]);
    const secrets = requireSlackSecrets(loadEnv({ SLACK_APP_TOKEN: 'xapp-1', SLACK_BOT_TOKEN: 'xoxb-1' }));
    expect(slackFields(secrets)).toEqual({ mode: 'socket', botToken: 'xoxb-1', appToken: 'xapp-1', apiUrl: undefined });
    expect(JSON.stringify(secrets)).not.toMatch(/xoxb-1|xapp-1/);
  });

  it('returns the HTTP settings', () => {
    const secrets = requireSlackSecrets(
      loadEnv({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 's',
        PORT: '0',
        SLACK_API_URL: 'http://localhost:1/api/',
      }),
    );
    expect(slackFields(secrets)).toEqual({
      mode: 'http',
      botToken: 'xoxb-1',
      signingSecret: 's',
      port: 0,
      apiUrl: 'http://localhost:1/api/',
    });
  });

  it('the error message lists the variables and no values', () => {
    expect(() => requireSlackSecrets(loadEnv({ SLACK_SIGNING_SECRET: 'TOPSECRET' }))).toThrow(
      "environment: invalid configuration\n  SLACK_BOT_TOKEN: missing: set it to the app's bot token (xoxb-…, OAuth & Permissions page)",
    );
  });
});
