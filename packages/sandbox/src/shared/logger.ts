import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values are replaced before a line is written: the stand-ins see tokens and secrets too. */
const REDACTED = [
  'token',
  '*.token',
  'signingSecret',
  '*.signingSecret',
  'headers.authorization',
  '*.headers.authorization',
];

/** Builds the stand-ins' root logger for their CLIs, with the same `app` tag as the bot's lines. */
export function createLogger(settings: { level: string }): Logger {
  return pino({ level: settings.level, base: { app: 'patchbot' }, redact: { paths: REDACTED, censor: '[redacted]' } });
}

/** A logger that writes nothing, the default when a test passes none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
