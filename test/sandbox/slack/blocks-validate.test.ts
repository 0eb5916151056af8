/** Block Kit validation: Slack's documented limits, exactly at and just over each. */
import { BLOCK_KIT_LIMITS, validateBlocks, validateView } from '@patchbot/sandbox/slack';
import { withGeneratedIds } from '@patchbot/sandbox/slack/content';
import { RateLimiter } from '@patchbot/sandbox/slack/rate-limit';
import { DEFAULT_KNOBS } from '@patchbot/sandbox/slack/knobs';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const button = (label: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: `a-${label.length}`,
  text: plain(label),
  ...extra,
});

function verdict(blocks: unknown[]): string {
  const v = validateBlocks(blocks);
  return v.ok ? 'ok' : v.issues.map((i) => `${i.pointer}: ${i.message}`).join('; ');
}

describe('Block Kit validation', () => {
  it.each([
    ['section text', (n: number) => [{ type: 'section', text: mrkdwn('x'.repeat(n)) }], BLOCK_KIT_LIMITS.sectionText],
    ['field text', (n: number) => [{ type: 'section', fields: [mrkdwn('x'.repeat(n))] }], BLOCK_KIT_LIMITS.fieldText],
    ['header', (n: number) => [{ type: 'header', text: plain('h'.repeat(n)) }], BLOCK_KIT_LIMITS.headerText],
    [
      'button label',
      (n: number) => [{ type: 'actions', elements: [button('b'.repeat(n))] }],
      BLOCK_KIT_LIMITS.buttonText,
    ],
    [
      'button value',
      (n: number) => [{ type: 'actions', elements: [button('ok', { value: 'v'.repeat(n) })] }],
      BLOCK_KIT_LIMITS.buttonValue,
    ],
    [
      'fields',
      (n: number) => [{ type: 'section', fields: Array.from({ length: n }, () => mrkdwn('f')) }],
      BLOCK_KIT_LIMITS.sectionFields,
    ],
    [
      'actions elements',
      (n: number) => [
        {
          type: 'actions',
          elements: Array.from({ length: n }, (_, i) => ({ type: 'button', action_id: `b${i}`, text: plain('b') })),
        },
      ],
      BLOCK_KIT_LIMITS.actionsElements,
    ],
    ['blocks', (n: number) => Array.from({ length: n }, () => ({ type: 'divider' })), BLOCK_KIT_LIMITS.messageBlocks],
  ])('%s: accepted at the limit, refused one over', (_what, build, limit) => {
    expect(verdict(build(limit))).toBe('ok');
    expect(verdict(build(limit + 1))).not.toBe('ok');
  });

  it('checks structure: text objects, confirm dialogs, styles, duplicate ids, empty text', () => {
    expect(verdict([{ type: 'section' }])).toMatch(/must provide text or fields/);
    expect(verdict([{ type: 'section', text: 'bare string' }])).toMatch(/must be a text object/);
    expect(verdict([{ type: 'section', text: mrkdwn('') }])).toMatch(/more than 0 characters/);
    expect(verdict([{ type: 'actions', elements: [button('x', { style: 'loud' })] }])).toMatch(/primary or danger/);
    expect(
      verdict([
        {
          type: 'actions',
          elements: [
            button('x', {
              confirm: { title: plain('t'), text: mrkdwn('sure?'), confirm: plain('y'.repeat(31)), deny: plain('n') },
            }),
          ],
        },
      ]),
    ).toMatch(/confirm\/confirm\/text/);
    expect(
      verdict([
        { type: 'divider', block_id: 'a' },
        { type: 'divider', block_id: 'a' },
      ]),
    ).toMatch(/duplicate block_id/);
    expect(verdict([{ type: 'actions', elements: [button('x'), button('y')] }])).toMatch(/duplicate action_id/);
    expect(verdict([{ type: 'input', label: plain('l'), element: { type: 'plain_text_input' } }])).toMatch(
      /not allowed in a message/,
    );
    expect(validateBlocks('not json')).toMatchObject({ ok: false, error: 'invalid_blocks_format' });
    expect(validateBlocks('[{"type":"divider"}]')).toMatchObject({ ok: true });
  });

  it('validates modals: type, title length, inputs need a submit button', () => {
    const input = {
      type: 'input',
      block_id: 'reason',
      label: plain('Reason'),
      element: { type: 'plain_text_input', action_id: 'text' },
    };
    expect(
      validateView({ type: 'modal', title: plain('Reject'), submit: plain('Reject'), blocks: [input] }),
    ).toMatchObject({ ok: true });
    expect(validateView({ type: 'modal', title: plain('t'.repeat(25)), blocks: [] })).toMatchObject({ ok: false });
    expect(validateView({ type: 'home', title: plain('t'), blocks: [] })).toMatchObject({ ok: false });
    expect(validateView({ type: 'modal', title: plain('t'), blocks: [input] })).toMatchObject({ ok: false });
  });

  it('gives blocks and elements ids like Slack when the sender left them out', () => {
    const [block] = withGeneratedIds([{ type: 'actions', elements: [{ type: 'button', text: plain('Go') }] }]);
    expect(block?.block_id).toMatch(/^\S{5}$/);
    expect((block!.elements as Array<{ action_id: string }>)[0]?.action_id).toMatch(/^\S{5}$/);
  });
});

describe('rate limits', () => {
  it('lets chat.postMessage burst, then asks to wait; tiers count per minute', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const knobs = { ...DEFAULT_KNOBS, rateLimits: true };
    const post = () => limiter.check('chat.postMessage', 'postMessage', 'C1', knobs);
    expect([post(), post(), post()]).toEqual([undefined, undefined, undefined]);
    expect(post()).toBe(1);
    expect(limiter.check('chat.postMessage', 'postMessage', 'C2', knobs)).toBeUndefined();
    now += 1000;
    expect(post()).toBeUndefined();

    const update = () => limiter.check('chat.update', 3, 'C1', knobs);
    for (let i = 0; i < 50; i += 1) expect(update()).toBeUndefined();
    expect(update()).toBe(60);
    now += 30_000;
    expect(update()).toBe(30);
    now += 30_000;
    expect(update()).toBeUndefined();
    expect(new RateLimiter(() => now).check('chat.update', 3, undefined, DEFAULT_KNOBS)).toBeUndefined();
  });
});
