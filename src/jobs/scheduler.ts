import cron, { type ScheduledTask } from 'node-cron';
import type { Schedule } from '../config';
import { toPatchbotError } from '../errors';
import type { Logger } from '../logger';

/** One scheduled job: a name for logs, its schedule, and the work. */
export interface Job {
  name: string;
  schedule: Schedule;
  run(): Promise<void>;
}

/**
 * Runs jobs on their cron schedules (in their time zones). A run that is still going when the
 * next one is due is skipped, not stacked, so a slow AWS never piles polls on top of each other;
 * a failing run is logged and the next one runs as usual.
 */
export class JobScheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly log: Logger;

  constructor(
    private readonly jobs: readonly Job[],
    logger: Logger,
  ) {
    this.log = logger.child({ subsystem: 'jobs' });
  }

  /** Registers every enabled job with node-cron. */
  start(): void {
    for (const job of this.jobs) {
      if (!job.schedule.enabled) {
        this.log.info({ job: job.name }, 'job disabled in patchbot.yml');
        continue;
      }
      // runNow never rejects for a known job; the catch is the last guard against a silent exit.
      const task = cron.schedule(
        job.schedule.cron,
        () =>
          void this.runNow(job.name).catch((err: unknown) =>
            this.log.error({ job: job.name, err }, 'job could not run'),
          ),
        {
          timezone: job.schedule.timezone,
          name: job.name,
          noOverlap: true,
        },
      );
      this.tasks.push(task);
      this.log.info({ job: job.name, cron: job.schedule.cron, timezone: job.schedule.timezone }, 'job scheduled');
    }
  }

  /** Runs a job now unless it is already running; resolves when that run ends. */
  runNow(name: string): Promise<void> {
    const existing = this.running.get(name);
    if (existing) {
      this.log.warn({ job: name }, 'previous run still going; skipping this one');
      return existing;
    }
    const job = this.jobs.find((j) => j.name === name);
    if (!job) return Promise.reject(new Error(`no job ${name}`));
    const started = Date.now();
    const run = begin(job)
      .then(() => this.log.info({ job: name, ms: Date.now() - started }, 'job finished'))
      .catch((err: unknown) =>
        this.log.error({ job: name, err: toPatchbotError(err), ms: Date.now() - started }, 'job failed'),
      )
      .finally(() => this.running.delete(name));
    this.running.set(name, run);
    return run;
  }

  /** Stops scheduling and waits for runs in progress. */
  async stop(): Promise<void> {
    for (const task of this.tasks) await task.destroy();
    this.tasks.length = 0;
    await Promise.all(this.running.values());
  }
}

/** The job's run, started now; a job that throws before returning a promise is a rejection like any other. */
function begin(job: Job): Promise<void> {
  try {
    return job.run();
  } catch (err) {
    return Promise.reject(err);
  }
}
