import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logger';

const LEVELS: Record<string, LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

/** Bolt's logger interface over a pino child, so Bolt's own messages land in the same structured log. */
export function boltLogger(logger: Logger): BoltLogger {
  let name = 'bolt';
  const join = (msg: unknown[]) =>
    msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => logger.debug({ component: name }, join(msg)),
    info: (...msg: unknown[]) => logger.info({ component: name }, join(msg)),
    warn: (...msg: unknown[]) => logger.warn({ component: name }, join(msg)),
    error: (...msg: unknown[]) => logger.error({ component: name }, join(msg)),
    setLevel: () => undefined,
    getLevel: () => LEVELS[logger.level] ?? LogLevel.INFO,
    setName: (n: string) => {
      name = n;
    },
  };
}
