/** A bare Bolt app that only acknowledges `/patch`, in its own process: the floor for acknowledgement latency. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { serveParent } from './child';
import { answerLoopRequest, startLoopMonitor } from './loop-monitor';

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as { signingSecret: string; botToken: string; slackApiUrl: string };
  const app = new App({
    token: o.botToken,
    signingSecret: o.signingSecret,
    deferInitialization: true,
    clientOptions: { slackApiUrl: o.slackApiUrl },
  });
  app.command('/patch', async ({ ack }) => {
    await ack();
  });
  await app.init();
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const loop = startLoopMonitor();
  serveParent(
    { port: (server.address() as AddressInfo).port },
    async (message) => answerLoopRequest(loop, message) ?? {},
    async () => {
      await app.stop();
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bare Bolt process failed: ${String(err)}\n`);
  process.exit(1);
});
