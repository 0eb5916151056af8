/**
 * The demo page's world for a file of tests: the Slack stand-in with a fake bot behind it, and the page's
 * script run against a fake DOM; `slack` and `bot` are live bindings, so the tests read the running pair.
 */
import { runInNewContext } from 'node:vm';
import { DEMO_IDS, type SlackStandIn } from '@patchbot/sandbox/slack';
import { FakeDocument, type FakeNode } from './fake-dom';
import { fakeBot, standIn } from './helpers';

/** Demo people. */
export const { alice, bob } = DEMO_IDS.users;
/** The demo PRD channel. */
export const PRD = DEMO_IDS.channels.prd;
/** A message that would run script if the page rendered it as HTML. */
export const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>';

/** The running stand-in (set by `useDemoPage`'s beforeAll). */
export let slack: SlackStandIn;
/** The fake bot the stand-in sends the page's events to. */
export let bot: Awaited<ReturnType<typeof fakeBot>>;

/** Starts the fake bot and the stand-in before the file's tests, resets the stand-in before each, closes both after them. */
export function useDemoPage(): void {
  beforeAll(async () => {
    bot = await fakeBot();
    slack = await standIn({ botEventsUrl: bot.url });
  });
  afterAll(async () => {
    await slack?.close();
    await bot?.close();
  });
  beforeEach(() => slack.reset());
}

/** Runs the page's script against a fake DOM as `user`; `tick()` polls as the page's timer would. */
export async function openPage(user: string, channel: string = PRD) {
  const html = await (await fetch(`${slack.url}/`)).text();
  const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
  const doc = new FakeDocument([
    'team',
    'channels',
    'apps',
    'home',
    'people',
    'users',
    'head',
    'log',
    'input',
    'composer-form',
    'status',
    'modal',
    'confirm',
  ]);
  doc.getElementById('modal').hidden = true;
  doc.getElementById('confirm').hidden = true;
  const urls: string[] = [];
  let timer: () => Promise<void> = () => Promise.resolve();
  const base = slack.url;
  runInNewContext(script, {
    document: doc,
    location: { search: `?channel=${channel}&user=${user}` },
    history: { replaceState: (_s: unknown, _t: string, url: string) => urls.push(url) },
    window: {
      confirm: () => {
        throw new Error('window.confirm must not be used');
      },
      open: () => undefined,
    },
    fetch: (path: string, init?: RequestInit) => {
      // Read whole before the page sees it, and counted until then, so settle() knows what is in flight.
      const request = fetch(`${base}${path}`, init).then(
        async (res) => new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers }),
      );
      inFlight.add(request);
      const done = () => inFlight.delete(request);
      request.then(done, done);
      return request;
    },
    setInterval: (fn: () => Promise<void>) => {
      timer = fn;
      return 0;
    },
    URLSearchParams,
    JSON,
    Date,
    Number,
    String,
    Object,
    Math,
    RegExp,
  });
  const log = doc.getElementById('log');
  await slack.driver.waitFor(() => log.children.length > 0);
  return { doc, log, urls, tick: () => timer() };
}
/** The page's requests still in flight, answers not yet handed to it. */
export const inFlight = new Set<Promise<Response>>();
/** Waits until the page has nothing in flight and has acted on every answer (which may ask again, e.g. a poll). */
export const settle = async () => {
  do {
    await Promise.allSettled([...inFlight]);
    await new Promise((r) => setImmediate(r));
  } while (inFlight.size > 0);
};
/** The page's confirm dialog. */
export const dialogOf = (doc: FakeDocument) => doc.getElementById('confirm');
/** The message in the log with this ts. */
export const msgByTs = (log: FakeNode, ts: string) =>
  log.find('div', 'msg').find((m) => m.getAttribute('data-ts') === ts);
