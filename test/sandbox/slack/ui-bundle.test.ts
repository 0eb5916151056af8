/**
 * The demo page's script is bundled from its typed browser modules when the page is first served:
 * once per process, and inlined so that nothing in it can close its `<script>` element early.
 */
import type { SlackStandIn } from '@patchbot/sandbox/slack';
import { inlineSafe, scriptBuilds } from '@patchbot/sandbox/slack/ui/bundle';
import { standIn } from './helpers';

describe("the demo page's bundled script", () => {
  let slack: SlackStandIn;

  beforeAll(async () => {
    slack = await standIn();
  });
  afterAll(async () => {
    await slack?.close();
  });

  it('builds once for concurrent and later requests, and the page holds no raw </script inside its script', async () => {
    const page = async () => {
      const res = await fetch(`${slack.url}/`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const [first, second] = await Promise.all([page(), page()]);
    const third = await page();
    expect(scriptBuilds()).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);

    const open = first.indexOf('<script>') + '<script>'.length;
    const close = first.lastIndexOf('</script>');
    const body = first.slice(open, close);
    expect(body.length).toBeGreaterThan(1000);
    expect(body).not.toMatch(/<\/script/i);
    expect(first.match(/<\/script/gi)).toHaveLength(1);
    expect(() => new Function(body)).not.toThrow();
  });

  it('escapes </ so that strings, regexes and comments still mean the same', () => {
    const js = 'return ["</script>", /<\\/b>/.source, "a</b"]; // </script>';
    const safe = inlineSafe(js);
    expect(safe).not.toContain('</');
    expect(new Function(safe)()).toEqual(new Function(js)());
  });
});
