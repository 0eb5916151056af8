/** patchbot's configuration: patchbot.yml and the environment, validated and normalized. */
export { loadConfig, parseConfigText, type AppConfig, type LoadConfigOptions } from './load';
export {
  loadEnv,
  requireSlackSecrets,
  sqlitePathOf,
  configDefaultsFromEnv,
  maskSecret,
  maskSecrets,
  EnvSchema,
  ENV_SOURCE_NAME,
  FALLBACK_REGION,
  AWS_RETRY_MODES,
  ENV_NAMES,
  type AppEnv,
  type AwsRetryEnv,
  type AwsRetryMode,
  type EnvSource,
  type SlackEnv,
  type SlackSecrets,
} from './env';
export {
  maskDatabaseUrl,
  DEFAULT_SQLITE_PATH,
  DATABASE_URL_PROTOCOLS,
  URL_SSL_PARAMS,
  type DatabaseConfig,
} from './database';
export { parseDuration, tryParseDuration, formatDuration } from './duration';
export {
  PatchbotConfigSchema,
  createPatchbotConfigSchema,
  ScopeSchema,
  GroupSchema,
  ApprovalSchema,
  InstallSchema,
  SchedulesSchema,
  WindowsSchema,
  SlackSettingsSchema,
  LogSettingsSchema,
  DEFAULT_SCOPE_NAME,
  type ConfigDefaults,
  type PatchbotConfig,
  type Scope,
  type PatchGroup,
  type ApprovalPolicy,
  type InstallSettings,
  type Schedules,
  type Schedule,
  type WindowRouting,
  type SlackSettings,
} from './schema';
export {
  ChannelSchema,
  SlackPrincipalSchema,
  RegionSchema,
  DurationSchema,
  CronSchema,
  TimeZoneSchema,
  LogLevelSchema,
  OperatingSystemSchema,
  LOG_LEVELS,
  OPERATING_SYSTEMS,
  SLACK_USER_RE,
  SLACK_USERGROUP_RE,
  isTimeZone,
  type LogLevel,
  type OperatingSystem,
} from './fields';
export { findGroup, findScope, windowChannels, type WindowRef } from './lookup';
export { describeConfig } from './describe';
export { formatPath, type PathSegment } from './paths';
export type { PositionedIssue } from './issues';
