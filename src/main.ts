/**
 * Entry point (`npm start`): configuration → logger → checks → the bot. Wiring only. With
 * `--check` (`npm run check`), it runs every check start-up depends on (the state database, Slack
 * settings and token, AWS credentials, baselines and instances), prints one line per check and exits 1 if any failed;
 * logs stay out of that output unless `--verbose` or LOG_LEVEL asks for them (on stderr). With
 * `--verify-audit` it checks the audit log's hash chain in the state database and exits 1 naming the
 * first entry that does not fit (audit-verify.ts; `npm run audit:verify` outside the image).
 */
import { runAuditVerify } from './audit-verify';
import { createFleet } from './aws';
import { startBot } from './bot';
import { loadConfig, loadEnv, requireSlackSecrets, type AppConfig } from './config';
import { ConfigError, toPatchbotError } from './errors';
import { createLogger, type Logger } from './logger';
import { databaseCheck, formatPreflight, runPreflight, runSlackPreflight } from './preflight';
import { guardProcess } from './process-guard';

/** `--check`: every check, one plain line each; exit 1 on any failure. */
async function check(app: AppConfig, verbose: boolean): Promise<number> {
  const level = app.env.logLevel ?? (verbose ? 'debug' : 'silent');
  const logger = createLogger({ level, destination: process.stderr });
  const fleet = createFleet(app.config.aws.scopes, logger, app.env.awsRetry);
  const [slackChecks, awsChecks, dbCheck] = await Promise.all([
    runSlackPreflight(app.env, logger, app.config),
    runPreflight(app.config, fleet, logger).finally(() => fleet.close()),
    databaseCheck(app.env.database, logger),
  ]);
  const checks = [...slackChecks, ...awsChecks, dbCheck];
  process.stdout.write(`${formatPreflight(checks)}\n`);
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}

/** `--verify-audit`: the environment only (the database), no patchbot.yml; one report, exit 1 on a break. */
async function verifyAudit(): Promise<number> {
  let env: ReturnType<typeof loadEnv>;
  try {
    env = loadEnv();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
  const logger = createLogger({ level: env.logLevel ?? 'silent', destination: process.stderr });
  try {
    const { text, code } = await runAuditVerify(env.database, logger);
    process.stdout.write(`${text}\n`);
    return code;
  } catch (err) {
    process.stderr.write(`patchbot could not read the audit log: ${toPatchbotError(err).operatorMessage}\n`);
    return 2;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--verify-audit')) return verifyAudit();
  const checkOnly = argv.includes('--check');
  let app: AppConfig;
  try {
    app = loadConfig();
    if (!checkOnly) requireSlackSecrets(app.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (checkOnly) return check(app, argv.includes('--verbose'));
  const { config, env } = app;
  const logger = createLogger({ level: config.log.level });
  // From here on nothing ends the process without a log line: see process-guard.ts.
  guardProcess(logger);
  logger.info(
    { file: app.file, groups: config.groups.map((g) => g.name), scopes: config.aws.scopes.map((s) => s.name) },
    'configuration loaded',
  );

  const fleet = createFleet(config.aws.scopes, logger, env.awsRetry);
  const checks = await runPreflight(config, fleet, logger).finally(() => fleet.close());
  // A failed check is logged, not fatal: AWS may be briefly unreachable, and the bot says so per command.
  for (const c of checks) logger[c.status === 'ok' ? 'info' : 'warn']({ check: c.what, status: c.status }, c.detail);

  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot({
      config,
      slack: env.slack,
      database: env.database,
      port: env.port,
      host: env.host,
      logger,
      aws: env.awsRetry,
    });
  } catch (err) {
    // The last thing written is the reason and the fix, after every log line already queued.
    const e = toPatchbotError(err);
    logger.error({ err: e }, 'could not start');
    await flush(logger);
    process.stderr.write(`patchbot could not start: ${e.operatorMessage}\n`);
    return 1;
  }
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

/** Writes out what the logger still buffers. */
function flush(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = toPatchbotError(err);
    process.stderr.write(`patchbot could not start: ${e.operatorMessage}\n`);
    process.exit(1);
  },
);
