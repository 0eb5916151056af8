import { JobScheduler, type Job } from '../../src/jobs/scheduler';
import { silentLogger } from '../../src/logger';
import { capturingLogger } from '../support/log-capture';

const schedule = { cron: '0 0 1 1 *', timezone: 'UTC', enabled: true };

describe('JobScheduler', () => {
  it('never runs a job twice at once, and keeps going after a failure', async () => {
    let running = 0;
    let peak = 0;
    let calls = 0;
    let release!: () => void;
    const job: Job = {
      name: 'poll',
      schedule,
      run: async () => {
        calls++;
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => (release = r));
        running--;
      },
    };
    const failing: Job = { name: 'boom', schedule, run: async () => Promise.reject(new Error('AWS down')) };
    const jobs = new JobScheduler([job, failing], silentLogger());
    jobs.start();
    const first = jobs.runNow('poll');
    const second = jobs.runNow('poll');
    expect(second).toBe(first);
    release();
    await first;
    expect(calls).toBe(1);
    expect(peak).toBe(1);
    await expect(jobs.runNow('boom')).resolves.toBeUndefined();
    await jobs.stop();
  });

  it('skips disabled jobs and stops cleanly', async () => {
    const run = jest.fn(async () => undefined);
    const jobs = new JobScheduler([{ name: 'digest', schedule: { ...schedule, enabled: false }, run }], silentLogger());
    jobs.start();
    await jobs.stop();
    expect(run).not.toHaveBeenCalled();
  });

  it('logs a job that throws before returning a promise, and runs it again next time', async () => {
    let calls = 0;
    const job: Job = {
      name: 'sync-throw',
      schedule,
      run: () => {
        calls++;
        if (calls === 1) throw new Error('bug before the first await');
        return Promise.resolve();
      },
    };
    const { logger, lines } = capturingLogger();
    const jobs = new JobScheduler([job], logger);
    await expect(jobs.runNow('sync-throw')).resolves.toBeUndefined();
    await expect(jobs.runNow('sync-throw')).resolves.toBeUndefined();
    expect(calls).toBe(2);
    const failed = lines().filter((l) => l.msg === 'job failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      job: 'sync-throw',
      subsystem: 'jobs',
      err: expect.objectContaining({ message: expect.stringContaining('bug before the first await') }),
    });
    await jobs.stop();
  });
});
