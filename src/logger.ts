import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Paths that may hold secrets; pino replaces their values before anything is written. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
  'credentials',
  '*.credentials',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-slack-signature"]',
];

/** Options for the root logger. */
export interface LoggerSettings {
  level: string;
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

/** Builds the root logger; subsystems take `logger.child({ subsystem: '...' })`. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { app: 'patchbot' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

/** A logger that writes nothing, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
