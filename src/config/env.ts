/**
 * The environment: Slack secrets and transport, port, file paths, the state database (database.ts),
 * log level, the region of the default AWS scope, and the AWS SDK's retry settings (AWS_MAX_ATTEMPTS,
 * AWS_RETRY_MODE). The only reader of process.env, and only through a parameter that defaults to it.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors';
import { databaseFromEnv, databaseUrlProblem, maskDatabaseUrl, type DatabaseConfig } from './database';
import { LOG_LEVELS, REGION_RE, type LogLevel } from './fields';

/** Environment variables as process.env holds them. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** What ConfigError names as the "file" for problems in the environment. */
export const ENV_SOURCE_NAME = 'environment';

/** Region of the default scope when neither AWS_REGION nor AWS_DEFAULT_REGION is set. */
export const FALLBACK_REGION = 'us-east-1';

/** Unset and empty are the same: `FOO=` in a compose file means "not set". */
const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

/** A secret: checked for stray whitespace and for the other Slack token kind; its value never appears in a message. */
function secret(wrongPrefix: RegExp, wrongWhat: string) {
  return optional.superRefine((v, ctx) => {
    if (v === undefined) return;
    if (v.trim() !== v)
      ctx.addIssue({ code: 'custom', message: 'has leading or trailing whitespace (value not shown)' });
    else if (wrongPrefix.test(v)) ctx.addIssue({ code: 'custom', message: `holds ${wrongWhat} (value not shown)` });
  });
}

const regionVar = optional.refine(
  (v) => v === undefined || REGION_RE.test(v),
  'expected an AWS region name like "us-east-1"',
);

/** AWS_RETRY_MODE values the AWS SDKs document (the JavaScript SDK has no legacy mode and treats it as standard). */
export const AWS_RETRY_MODES = ['standard', 'adaptive', 'legacy'] as const;
/** One AWS_RETRY_MODE value. */
export type AwsRetryMode = (typeof AWS_RETRY_MODES)[number];

/** The environment variables patchbot reads (other variables are ignored; the AWS SDK reads its own). */
export const EnvSchema = z.object({
  SLACK_BOT_TOKEN: secret(
    /^xapp-/,
    'an app-level token (xapp-…), which belongs in SLACK_APP_TOKEN; the bot token starts with xoxb-',
  ),
  SLACK_SIGNING_SECRET: secret(
    /^xox[a-z]-|^xapp-/,
    "a token, not the signing secret from the app's Basic Information page",
  ),
  SLACK_APP_TOKEN: secret(
    /^xox[a-z]-/,
    'a bot or user token (xox…-), but Socket Mode needs the app-level token (xapp-…)',
  ),
  SLACK_API_URL: optional.refine(
    (v) => v === undefined || /^https?:$/.test(safeUrl(v)?.protocol ?? ''),
    'expected an http(s) URL like "https://slack.com/api/"',
  ),
  PORT: optional.refine(
    (v) => v === undefined || (/^\d{1,5}$/.test(v) && Number(v) <= 65535),
    'expected a port number from 0 to 65535',
  ),
  HOST: optional.refine(
    (v) => v === undefined || /^[0-9a-fA-F:.]+$|^localhost$/.test(v),
    'expected an IP address to listen on, like "127.0.0.1" or "0.0.0.0"',
  ),
  PATCHBOT_CONFIG: optional,
  PATCHBOT_DB: optional,
  PATCHBOT_DATABASE_URL: optional.superRefine((v, ctx) => {
    const problem = v === undefined ? undefined : databaseUrlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  PATCHBOT_DATABASE_CA_FILE: optional,
  LOG_LEVEL: optional.refine(
    (v) => v === undefined || (LOG_LEVELS as readonly string[]).includes(v),
    `expected one of ${LOG_LEVELS.join(', ')}`,
  ),
  AWS_REGION: regionVar,
  AWS_DEFAULT_REGION: regionVar,
  AWS_MAX_ATTEMPTS: optional.refine(
    (v) => v === undefined || (/^[1-9]\d{0,3}$/.test(v) && Number(v) <= 1000),
    'expected a whole number of attempts from 1 to 1000, like "8"',
  ),
  AWS_RETRY_MODE: optional.refine(
    (v) => v === undefined || (AWS_RETRY_MODES as readonly string[]).includes(v),
    `expected one of ${AWS_RETRY_MODES.join(', ')}`,
  ),
});

/** Every variable patchbot reads, by name (the deployment files are checked against it). */
export const ENV_NAMES: readonly string[] = Object.keys(EnvSchema.shape);

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Slack credentials and transport. The three secrets are non-enumerable: read them by name; printing the object masks them. */
export interface SlackEnv {
  /** `socket` when SLACK_APP_TOKEN is set, else `http` (Bolt's /slack/events on PORT). */
  mode: 'socket' | 'http';
  botToken: string | undefined;
  signingSecret: string | undefined;
  appToken: string | undefined;
  /** Web API base URL override (the workspace stand-in uses it). */
  apiUrl: string | undefined;
}

/**
 * The AWS SDK's retry settings from its own environment variables, for the clients that retry;
 * a field is absent when its variable is unset (patchbot's default then applies).
 */
export interface AwsRetryEnv {
  /** AWS_MAX_ATTEMPTS: attempts per call, the first included. */
  maxAttempts?: number;
  /** AWS_RETRY_MODE. */
  retryMode?: AwsRetryMode;
}

/** The validated environment. */
export interface AppEnv {
  slack: SlackEnv;
  /** HTTP port (0 picks a free one). */
  port: number;
  /** Address the HTTP server listens on: HOST, default 127.0.0.1 (the container sets 0.0.0.0). */
  host: string;
  /** Path of patchbot.yml as given (PATCHBOT_CONFIG, default ./patchbot.yml). */
  configPath: string;
  /** The state database: the SQLite file (PATCHBOT_DB, default ./data/patchbot.db), or PostgreSQL (PATCHBOT_DATABASE_URL). */
  database: DatabaseConfig;
  /** LOG_LEVEL, which overrides log.level in patchbot.yml. */
  logLevel: LogLevel | undefined;
  /** Region of the default scope: AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1. */
  defaultRegion: string;
  /** AWS_MAX_ATTEMPTS and AWS_RETRY_MODE, as the AWS client pool takes them. */
  awsRetry: AwsRetryEnv;
}

/** Replaces a secret with whether it is set, for anything that prints. */
export function maskSecret(value: string | undefined): string {
  return value === undefined ? '[not set]' : '[redacted]';
}

const SECRET_FIELDS = ['botToken', 'signingSecret', 'appToken'] as const;

/** A copy of the enumerable fields plus each secret field as "[redacted]" or "[not set]", as any printer should see it. */
export function maskSecrets<T extends object>(value: T): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of SECRET_FIELDS) {
    if (field in value) masked[field] = maskSecret((value as Record<string, string | undefined>)[field]);
  }
  return masked;
}

/**
 * Hides the secret fields from everything that walks an object (JSON.stringify, pino and its
 * redaction, util.inspect, spread, Object.entries): they become non-enumerable, so only code that
 * names them reads them; printing shows "[redacted]" or "[not set]" instead.
 */
function hideSecrets<T extends object>(value: T): T {
  const masked = () => maskSecrets(value);
  for (const field of SECRET_FIELDS) {
    if (field in value) Object.defineProperty(value, field, { enumerable: false });
  }
  Object.defineProperty(value, 'toJSON', { value: masked, enumerable: false });
  Object.defineProperty(value, inspect.custom, { value: masked, enumerable: false });
  return value;
}

/** A variable's value as a message may quote it: Slack secrets never, the database URL with its password masked. */
function shownValue(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (name === 'PATCHBOT_DATABASE_URL') return maskDatabaseUrl(value);
  return name.startsWith('SLACK_') && name !== 'SLACK_API_URL' ? undefined : value;
}

/** zod issues on the environment → ConfigIssues keyed by variable name (values of secrets never shown). */
function envIssues(issues: readonly z.core.$ZodIssue[], env: EnvSource): ConfigIssue[] {
  return issues.map((issue) => {
    const name = String(issue.path[0] ?? '');
    const shown = shownValue(name, env[name]);
    const got = issue.message.startsWith('expected ') && shown !== undefined ? `, got ${JSON.stringify(shown)}` : '';
    return { path: name, message: `${issue.message}${got}` };
  });
}

/**
 * Validates the environment (defaults to process.env); throws ConfigError("environment", issues).
 * `readText` reads the file PATCHBOT_DATABASE_CA_FILE names (a relative path is from the working directory).
 */
export function loadEnv(
  env: EnvSource = process.env,
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): AppEnv {
  const result = EnvSchema.safeParse(env);
  if (!result.success) throw new ConfigError(ENV_SOURCE_NAME, envIssues(result.error.issues, env));
  const v = result.data;
  const db = databaseFromEnv(v, readText);
  if (!db.ok) throw new ConfigError(ENV_SOURCE_NAME, db.issues);
  return {
    slack: hideSecrets<SlackEnv>({
      mode: v.SLACK_APP_TOKEN ? 'socket' : 'http',
      botToken: v.SLACK_BOT_TOKEN,
      signingSecret: v.SLACK_SIGNING_SECRET,
      appToken: v.SLACK_APP_TOKEN,
      apiUrl: v.SLACK_API_URL,
    }),
    port: v.PORT === undefined ? 3000 : Number(v.PORT),
    host: v.HOST ?? '127.0.0.1',
    configPath: v.PATCHBOT_CONFIG ?? './patchbot.yml',
    database: db.database,
    logLevel: v.LOG_LEVEL as LogLevel | undefined,
    defaultRegion: v.AWS_REGION ?? v.AWS_DEFAULT_REGION ?? FALLBACK_REGION,
    awsRetry: {
      ...(v.AWS_MAX_ATTEMPTS !== undefined ? { maxAttempts: Number(v.AWS_MAX_ATTEMPTS) } : {}),
      ...(v.AWS_RETRY_MODE !== undefined ? { retryMode: v.AWS_RETRY_MODE as AwsRetryMode } : {}),
    },
  };
}

/** Only the variables patchbot.yml's parsing needs (region of the default scope, LOG_LEVEL); throws ConfigError("environment"). */
export function configDefaultsFromEnv(env: EnvSource = process.env): {
  region: string;
  logLevel: LogLevel | undefined;
} {
  const schema = EnvSchema.pick({ AWS_REGION: true, AWS_DEFAULT_REGION: true, LOG_LEVEL: true });
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(ENV_SOURCE_NAME, envIssues(result.error.issues, env));
  const v = result.data;
  return {
    region: v.AWS_REGION ?? v.AWS_DEFAULT_REGION ?? FALLBACK_REGION,
    logLevel: v.LOG_LEVEL as LogLevel | undefined,
  };
}

/** The Slack credentials for the chosen transport (secret fields non-enumerable, as in SlackEnv). */
export type SlackSecrets =
  | { mode: 'socket'; botToken: string; appToken: string; apiUrl: string | undefined }
  | { mode: 'http'; botToken: string; signingSecret: string; port: number; apiUrl: string | undefined };

/** The Slack secrets the chosen mode needs; throws a ConfigError naming exactly the variables that are missing. */
export function requireSlackSecrets(env: AppEnv): SlackSecrets {
  const { slack } = env;
  const issues: ConfigIssue[] = [];
  if (slack.botToken === undefined) {
    issues.push({
      path: 'SLACK_BOT_TOKEN',
      message: "missing: set it to the app's bot token (xoxb-…, OAuth & Permissions page)",
    });
  }
  if (slack.mode === 'http' && slack.signingSecret === undefined) {
    issues.push({
      path: 'SLACK_SIGNING_SECRET',
      message: `missing: HTTP mode (SLACK_APP_TOKEN is not set, so Slack sends requests to port ${env.port}) needs the app's signing secret; or set SLACK_APP_TOKEN for Socket Mode`,
    });
  }
  if (issues.length > 0) throw new ConfigError(ENV_SOURCE_NAME, issues);
  const botToken = slack.botToken as string;
  return hideSecrets<SlackSecrets>(
    slack.mode === 'socket'
      ? { mode: 'socket', botToken, appToken: slack.appToken as string, apiUrl: slack.apiUrl }
      : { mode: 'http', botToken, signingSecret: slack.signingSecret as string, port: env.port, apiUrl: slack.apiUrl },
  );
}

/**
 * The SQLite path the store opens. The store has no PostgreSQL backend yet, so a set
 * PATCHBOT_DATABASE_URL is refused rather than left for one replica to run on a file of its own.
 */
export function sqlitePathOf(database: DatabaseConfig): string {
  if (database.backend === 'sqlite') return database.path;
  throw new ConfigError(ENV_SOURCE_NAME, [
    {
      path: 'PATCHBOT_DATABASE_URL',
      message: 'this patchbot keeps its state in a SQLite file only: unset PATCHBOT_DATABASE_URL to use PATCHBOT_DB',
    },
  ]);
}
