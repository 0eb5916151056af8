/**
 * Entry point (`npm start`): configuration → logger → checks → the bot. Wiring only. With
 * `--check`, it runs the preflight checks, prints them and exits instead of starting.
 */
import { createFleet } from './aws';
import { startBot } from './bot';
import { loadConfig, requireSlackSecrets } from './config';
import { ConfigError, toPatchbotError } from './errors';
import { createLogger } from './logger';
import { formatPreflight, runPreflight } from './preflight';

async function main(argv: string[]): Promise<number> {
  let app;
  try {
    app = loadConfig();
    if (!argv.includes('--check')) requireSlackSecrets(app.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const { config, env } = app;
  const logger = createLogger({ level: config.log.level });
  logger.info({ file: app.file, groups: config.groups.map((g) => g.name), scopes: config.aws.scopes.map((s) => s.name) }, 'configuration loaded');

  const fleet = createFleet(config.aws.scopes, logger);
  const checks = await runPreflight(config, fleet, logger).finally(() => fleet.close());
  if (argv.includes('--check')) {
    process.stdout.write(`${formatPreflight(checks)}\n`);
    return checks.some((c) => c.status === 'fail') ? 1 : 0;
  }
  // A failed check is logged, not fatal: AWS may be briefly unreachable, and the bot says so per command.
  for (const c of checks) logger[c.status === 'ok' ? 'info' : 'warn']({ check: c.what, status: c.status }, c.detail);

  const bot = await startBot({ config, slack: env.slack, dbPath: env.dbPath, port: env.port, host: env.host, logger });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      bot.stop().then(resolve, (err: unknown) => {
        logger.error({ err }, 'stop failed');
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = toPatchbotError(err);
    process.stderr.write(`patchbot could not start: ${e.userMessage}\n`);
    process.exit(1);
  },
);
