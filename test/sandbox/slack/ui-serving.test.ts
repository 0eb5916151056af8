/** The demo page is served self-contained, its state endpoint is inert, and it accepts only JSON posts. */
import { webClient } from './helpers';
import { alice, PRD, EVIL, slack, bot, useDemoPage } from './ui-page';

describe('the demo page', () => {
  useDemoPage();

  it('is one self-contained HTML page with no external assets and no embedded data', async () => {
    await webClient(slack).chat.postMessage({ channel: PRD, text: EVIL });
    const res = await fetch(`${slack.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toContain('alert(1)');
    expect(() => new Function(/<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? 'syntax error here(')).not.toThrow();
  });

  it('serves the state as inert JSON: <script> in a message never appears raw', async () => {
    await webClient(slack).chat.postMessage({
      channel: PRD,
      text: EVIL,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: EVIL } }],
    });
    const res = await fetch(`${slack.url}/_ui/state?channel=${PRD}&user=${alice}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(text).not.toContain('<script>');
    expect(text).toContain('\\u003cscript\\u003e');
    const state = JSON.parse(text) as {
      messages: Array<{ text: string }>;
      channel: { id: string };
      user: { id: string };
    };
    expect(state.messages[0]?.text).toBe(EVIL);
    expect(state).toMatchObject({ channel: { id: PRD }, user: { id: alice } });
  });

  it('accepts only JSON posts, so a foreign page cannot drive it with a plain form', async () => {
    const res = await fetch(`${slack.url}/_ui/command`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(res.status).toBe(415);
    expect(bot.received).toHaveLength(0);
  });
});
