/** The limit helpers: capped lists with an honest count, chunking for threads, and the last line of defense. */
import type { KnownBlock } from '@slack/types';
import { validateBlocks, blocksTextLength as standInLength } from '@patchbot/sandbox/slack/blocks-validate';
import {
  MESSAGE_TEXT_BUDGET,
  SLACK_LIMITS,
  TRIMMED,
  assertWithinLimits,
  blocksTextLength,
  chunkItems,
  chunkLines,
  fitMessage,
  limitProblems,
  listWithMore,
} from '../../src/slack/limits';

const lines = (n: number, width = 60) => Array.from({ length: n }, (_, i) => `• line ${i + 1} `.padEnd(width, 'x'));

describe('listWithMore', () => {
  it('returns short lists whole', () => {
    expect(listWithMore(['a', 'b'], { maxChars: 100, maxLines: 5 })).toEqual({ text: 'a\nb', shown: 2, hidden: 0 });
    expect(listWithMore([], { maxChars: 100, maxLines: 5 })).toEqual({ text: '', shown: 0, hidden: 0 });
  });

  it('caps 10,000 lines under 3,000 characters and says how many are left out', () => {
    const list = listWithMore(lines(10_000), { maxChars: SLACK_LIMITS.sectionText, maxLines: 1_000 });
    expect(list.text.length).toBeLessThanOrEqual(3_000);
    expect(list.shown + list.hidden).toBe(10_000);
    expect(list.text.endsWith(`…and ${list.hidden.toLocaleString('en-US')} more`)).toBe(true);
    expect(list.text.split('\n')).toHaveLength(list.shown + 1);
  });

  it('stops at maxLines', () => {
    const list = listWithMore(lines(20), { maxChars: 10_000, maxLines: 5 });
    expect(list).toMatchObject({ shown: 5, hidden: 15 });
    expect(list.text.split('\n').at(-1)).toBe('…and 15 more');
  });

  it('truncates a single line that is longer than the whole budget', () => {
    const list = listWithMore(['y'.repeat(5_000), 'z'], { maxChars: 100, maxLines: 5 });
    expect(list.text.length).toBeLessThanOrEqual(100);
    expect(list.shown).toBe(1);
    expect(list.text).toContain('…and 1 more');
  });

  it('words the last line as asked', () => {
    expect(listWithMore(lines(3), { maxChars: 1_000, maxLines: 1, more: (n) => `+${n} in the thread` }).text).toMatch(
      /\n\+2 in the thread$/,
    );
  });
});

describe('chunkLines', () => {
  it('packs lines in order into chunks within the limit, losing none', () => {
    const input = lines(1_000);
    const chunks = chunkLines(input, 2_900);
    expect(chunks.every((c) => c.length <= 2_900)).toBe(true);
    expect(chunks.join('\n').split('\n')).toEqual(input);
    expect(chunkItems(input, 2_900).flat()).toEqual(input);
  });
  it('truncates an oversized line', () => {
    expect(chunkLines(['a'.repeat(10), 'b'], 5)).toEqual(['aaaa…', 'b']);
  });
});

describe('limits on blocks', () => {
  const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
  const over: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'H'.repeat(200) } },
    section(`${Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n')}`),
    section(`\`\`\`\n${'code line\n'.repeat(400)}\`\`\``),
    {
      type: 'section',
      fields: Array.from({ length: 12 }, () => ({ type: 'mrkdwn' as const, text: 'f'.repeat(2_500) })),
    },
    { type: 'context', elements: Array.from({ length: 12 }, () => ({ type: 'mrkdwn' as const, text: 'c' })) },
    {
      type: 'actions',
      elements: Array.from({ length: 30 }, (_, i) => ({
        type: 'button' as const,
        action_id: `a${i}`,
        text: { type: 'plain_text' as const, text: 'b'.repeat(80) },
        value: 'v'.repeat(2_100),
      })),
    },
    ...Array.from({ length: 60 }, (_, i) => section(`block ${i}`)),
  ];

  it('counts text like the stand-in does', () => {
    expect(blocksTextLength(over)).toBe(standInLength(over as never));
  });

  it('names every problem, and assertWithinLimits throws them', () => {
    const problems = limitProblems(over);
    expect(problems.join('\n')).toMatch(/blocks \(at most 50\)/);
    expect(problems.join('\n')).toMatch(/header.*at most 150/);
    expect(problems.join('\n')).toMatch(/12 fields/);
    expect(problems.join('\n')).toMatch(/budget/);
    expect(() => assertWithinLimits(over)).toThrow(/over its limits/);
    expect(() => assertWithinLimits([section('ok')])).not.toThrow();
  });

  it('fitMessage trims rather than letting Slack reject, and says what it trimmed', () => {
    const heard: string[][] = [];
    const fitted = fitMessage({ text: 'x'.repeat(1_000), blocks: over, thread: [{ text: 't', blocks: over }] }, (p) =>
      heard.push(p),
    );
    for (const m of [fitted, ...(fitted.thread ?? [])]) {
      const verdict = validateBlocks(m.blocks);
      expect(verdict.ok ? [] : verdict.issues).toEqual([]);
      expect(limitProblems(m.blocks)).toEqual([]);
      expect(blocksTextLength(m.blocks)).toBeLessThanOrEqual(MESSAGE_TEXT_BUDGET);
    }
    expect(fitted.text.length).toBeLessThanOrEqual(500);
    expect(JSON.stringify(fitted.blocks)).toContain(TRIMMED);
    expect(heard).toHaveLength(2);
  });

  it('cuts mrkdwn at a line and closes an open code block', () => {
    const fitted = fitMessage({ text: 't', blocks: [section(`\`\`\`\n${'code line\n'.repeat(400)}\`\`\``)] });
    const text = (fitted.blocks[0] as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThanOrEqual(3_000);
    expect((text.match(/```/g) ?? []).length % 2).toBe(0);
    expect(text.endsWith(TRIMMED)).toBe(true);
  });

  it('leaves a message within limits untouched', () => {
    const m = { text: 'ok', blocks: [section('fine')] };
    expect(
      fitMessage(m, () => {
        throw new Error('should not trim');
      }),
    ).toEqual(m);
  });
});
