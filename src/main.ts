/**
 * Entry point: configuration → logger → AWS → store → checks. Wiring only; the Slack app and the
 * jobs join here as they are built.
 */
import { createFleet } from './aws';
import { loadConfig } from './config';
import { ConfigError, toPatchbotError } from './errors';
import { createLogger } from './logger';
import { formatPreflight, runPreflight } from './preflight';
import { openDatabase } from './store';

async function main(): Promise<number> {
  let app;
  try {
    app = loadConfig();
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

  const store = openDatabase({ path: env.dbPath, logger });
  const fleet = createFleet(config.aws.scopes, logger);
  try {
    const checks = await runPreflight(config, fleet, logger);
    process.stdout.write(`${formatPreflight(checks)}\n`);
    return checks.some((c) => c.status === 'fail') ? 1 : 0;
  } finally {
    fleet.close();
    store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = toPatchbotError(err);
    process.stderr.write(`patchbot could not start: ${e.userMessage}\n`);
    process.exit(1);
  },
);
