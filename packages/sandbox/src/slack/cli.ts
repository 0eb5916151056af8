/**
 * Runs the Slack stand-in alone: `tsx packages/sandbox/src/slack/cli.ts [--port 3100] [--bot-url URL]
 * [--signing-secret S] [--bot-token T]`. Prints the demo page's address and the env lines that
 * point the bot at it. Binds 127.0.0.1 only.
 */
import { createLogger } from '../shared/logger';
import { startSlackStandIn } from '.';

/** Reads `--name value` from argv. */
function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  const port = Number(option(argv, 'port') ?? 3100);
  const signingSecret = option(argv, 'signing-secret') ?? 'sandbox-signing-secret';
  const botToken = option(argv, 'bot-token') ?? 'xoxb-sandbox';
  const botEventsUrl = option(argv, 'bot-url') ?? 'http://127.0.0.1:3000/slack/events';
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
  const slack = await startSlackStandIn({ port, signingSecret, botToken, botEventsUrl, logger });
  process.stdout.write(
    [
      `Slack stand-in: ${slack.url}/ (demo page)`,
      `Bot events URL: ${botEventsUrl}`,
      'Point the bot at it:',
      `  SLACK_API_URL=${slack.apiUrl}`,
      `  SLACK_SIGNING_SECRET=${signingSecret}`,
      `  SLACK_BOT_TOKEN=${botToken}`,
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    void slack.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
