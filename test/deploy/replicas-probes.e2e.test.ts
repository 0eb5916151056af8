/**
 * The paths the deployment files probe (compose's healthcheck, the Kubernetes probes, the image's
 * HEALTHCHECK) are paths the bot serves: each answers 200 from a running bot, in both Slack modes.
 * The paths are read from the files, so a probe renamed there without a route in the app fails here.
 */
import { startHarness } from '../support/bot';
import { probePaths } from './replicas-files';

describe.each(['http', 'socket'] as const)('the probe paths, %s mode', (slackMode) => {
  it('each answers 200 from a running bot', async () => {
    const paths = probePaths();
    expect(paths.length).toBeGreaterThan(0);
    const h = await startHarness({ slackMode });
    try {
      for (const path of paths) {
        const res = await fetch(`http://127.0.0.1:${h.bot.port}${path}`);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
      }
    } finally {
      await h.close();
    }
  });
});
