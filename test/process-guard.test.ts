import { EventEmitter } from 'node:events';
import { guardProcess } from '../src/process-guard';
import { capturingLogger } from './support/log-capture';

describe('guardProcess', () => {
  it('logs an unhandled rejection with its context and carries on', () => {
    const proc = new EventEmitter();
    const exit = jest.fn();
    const { logger, lines } = capturingLogger();
    const remove = guardProcess(logger, { proc: proc as never, exit });
    proc.emit('unhandledRejection', new Error('tracker pass blew up'));
    expect(exit).not.toHaveBeenCalled();
    const [line] = lines();
    expect(line).toMatchObject({ level: 50, subsystem: 'process', event: 'unhandledRejection', code: 'INTERNAL' });
    expect(String(line?.msg)).toContain('tracker pass blew up');
    remove();
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
    expect(proc.listenerCount('uncaughtException')).toBe(0);
  });

  it('logs an uncaught exception as fatal, flushes, then exits 1', async () => {
    const proc = new EventEmitter();
    const { logger, lines } = capturingLogger();
    const exited = new Promise<number>((resolve) => guardProcess(logger, { proc: proc as never, exit: resolve }));
    proc.emit('uncaughtException', new TypeError('x is undefined'), 'uncaughtException');
    await expect(exited).resolves.toBe(1);
    const [line] = lines();
    expect(line).toMatchObject({
      level: 60,
      subsystem: 'process',
      event: 'uncaughtException',
      origin: 'uncaughtException',
    });
    expect(String(line?.msg)).toContain('x is undefined');
  });
});
