/**
 * The last line of defence: what reaches the process unhandled is logged with its context before
 * anything else happens, so patchbot never ends (or misbehaves) without a log line saying why.
 *
 * - `unhandledRejection`: logged as an error and the bot carries on. Every background loop (the
 *   tracker's ticker, the scheduled jobs, the lease) catches its own failures, so a rejection that
 *   still gets here is a bug in one request's path; a rejected promise leaves no half-done state.
 * - `uncaughtException`: logged as fatal, the log flushed, then the process exits 1. Node's own
 *   advice: after a synchronous throw escaped, the process state cannot be trusted.
 */
import { toPatchbotError } from './errors';
import type { Logger } from './logger';

/** What guardProcess listens on and how it ends the process; tests pass their own. */
export interface ProcessGuardOptions {
  proc?: Pick<NodeJS.Process, 'on' | 'off'>;
  exit?: (code: number) => void;
}

/** Installs the handlers; returns a function that removes them. */
export function guardProcess(logger: Logger, options: ProcessGuardOptions = {}): () => void {
  const proc = options.proc ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const log = logger.child({ subsystem: 'process' });
  const onRejection = (reason: unknown) => {
    const err = toPatchbotError(reason);
    log.error(
      { err, code: err.code, event: 'unhandledRejection' },
      `unhandled promise rejection (a bug; patchbot carries on): ${err.message}`,
    );
  };
  const onException = (error: unknown, origin?: string) => {
    const err = toPatchbotError(error);
    log.fatal(
      { err, code: err.code, event: 'uncaughtException', origin },
      `uncaught exception; patchbot exits: ${err.message}`,
    );
    let exited = false;
    const end = () => {
      if (exited) return;
      exited = true;
      exit(1);
    };
    // Exit once the log is out; if flushing hangs, exit anyway.
    setTimeout(end, 1000).unref();
    try {
      logger.flush(() => end());
    } catch {
      end();
    }
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}
