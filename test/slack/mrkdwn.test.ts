/** Safe mrkdwn: escaping neutralizes Slack's control sequences; formatting helpers cannot be broken by content. */
import { channel, nameList, plainSentence, principal as principal_, said, user } from '../../src/sentence';
import {
  bold,
  channelLink,
  code,
  escapeText,
  formatAge,
  formatCount,
  formatDuration,
  formatTime,
  mention,
  oneLine,
  plural,
  principal,
  renderSentence,
  truncate,
} from '../../src/slack/mrkdwn';

describe('escapeText', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here>', '&lt;!here&gt;'],
    ['<@U0ALICE001>', '&lt;@U0ALICE001&gt;'],
    ['<https://evil.example|click me>', '&lt;https://evil.example|click me&gt;'],
    ['a & b', 'a &amp; b'],
    ['&lt; already', '&amp;lt; already'],
  ])('%s → %s', (raw, escaped) => expect(escapeText(raw)).toBe(escaped));

  it('turns backticks into a look-alike so they cannot pair with our code spans', () => {
    expect(escapeText('web`1')).not.toContain('`');
    expect(escapeText('web`1')).toBe('web\u02CB1');
  });

  it('leaves ordinary names alone, underscores included (people copy them)', () => {
    expect(escapeText('web_prd_01.example-1')).toBe('web_prd_01.example-1');
  });
});

describe('code, bold', () => {
  it('keeps a code span closed whatever the content', () => {
    const c = code('x` <!channel> ``` y');
    expect(c.startsWith('`') && c.endsWith('`')).toBe(true);
    expect(c.slice(1, -1)).not.toContain('`');
    expect(c).toContain('&lt;!channel&gt;');
  });
  it('keeps code on one line and shows empty content visibly', () => {
    expect(code('a\nb')).toBe('`a b`');
    expect(code('')).toBe('`""`');
  });
  it('keeps a bold span closed whatever the content', () => {
    const b = bold('*evil* <@U1>');
    expect(b).toBe('*\u2217evil\u2217 &lt;@U1&gt;*');
    expect(bold('')).toBe('');
  });
  it('oneLine collapses whitespace', () => expect(oneLine('  a\n\tb  ')).toBe('a b'));
  it('answers as the full replacements do for every string of up to four characters from a mixed alphabet (the fast paths skip nothing)', () => {
    const alphabet = ['a', ' ', '\n', '\t', '\u00a0', '\ufeff', '&', '<', '>', '`'];
    let strings = [''];
    for (let length = 1; length <= 4; length++) {
      strings = [
        ...strings,
        ...strings.filter((t) => t.length === length - 1).flatMap((t) => alphabet.map((c) => t + c)),
      ];
    }
    for (const t of strings) {
      expect(oneLine(t)).toBe(t.replace(/\s+/g, ' ').trim());
      expect(escapeText(t)).toBe(
        t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, '\u02CB'),
      );
    }
    expect(strings).toHaveLength(1 + 10 + 100 + 1000 + 10000);
  });
});

describe('mention, principal, channelLink', () => {
  it('mentions only real user ids', () => {
    expect(mention('U0ALICE001')).toBe('<@U0ALICE001>');
    expect(mention('W123')).toBe('<@W123>');
    expect(mention('U1> <!channel')).toBe('U1&gt; &lt;!channel');
    expect(mention('alice')).toBe('alice');
  });
  it('names user groups by handle as text, never as a mention that notifies every member', () => {
    expect(principal('S0OPS', new Map([['S0OPS', 'ops-leads']]))).toBe('@ops-leads');
    expect(principal('S0OPS', new Map([['S0OPS', '<!channel>']]))).toBe('@&lt;!channel&gt;');
    expect(principal('S0OPS')).toBe('a user group');
    expect(mention('S0OPS')).toBe('S0OPS');
    expect(principal('U1')).toBe('<@U1>');
  });
  it('renders sentences: text escaped, users mentioned, user groups by handle, channels linked', () => {
    const s = said`Only ${user('U0ALICE001')} or ${nameList([principal_('U0BOB00001'), principal_('S0LEADS001')])} may <cancel> in ${channel('C0STGPATCH')} or ${channel('#ops')}.`;
    expect(renderSentence(s, new Map([['S0LEADS001', 'prd-leads']]))).toBe(
      'Only <@U0ALICE001> or <@U0BOB00001>, @prd-leads may &lt;cancel&gt; in <#C0STGPATCH> or #ops.',
    );
    expect(plainSentence(s)).toBe('Only U0ALICE001 or U0BOB00001, S0LEADS001 may <cancel> in C0STGPATCH or #ops.');
    expect(renderSentence('plain <b>')).toBe('plain &lt;b&gt;');
  });
  it('links channel ids and shows names as text', () => {
    expect(channelLink('C0123ABC')).toBe('<#C0123ABC>');
    expect(channelLink('#prd-patching')).toBe('#prd-patching');
    expect(channelLink('<!channel>')).toBe('&lt;!channel&gt;');
  });
});

describe('times and counts', () => {
  const H = 3_600_000;
  it.each([
    [0, 'just now'],
    [59_000, 'just now'],
    [12 * 60_000 + 30_000, '12m ago'],
    [3 * H + 12 * 60_000, '3h 12m ago'],
    [3 * H, '3h ago'],
    [50 * H, '2d 2h ago'],
    [-5 * H - 3 * 60_000, 'in 5h 3m'],
  ])('formatAge(%d) = %s', (ms, text) => expect(formatAge(ms)).toBe(text));

  it('formatDuration keeps seconds for short runs', () => {
    expect(formatDuration(4 * 60_000 + 12_000)).toBe('4m 12s');
    expect(formatDuration(500)).toBe('0s');
    expect(formatDuration(24 * H)).toBe('1d');
  });
  it('formatTime is UTC to the minute', () => {
    expect(formatTime(new Date('2026-03-10T14:03:59Z'))).toBe('2026-03-10 14:03 UTC');
    expect(formatTime(new Date('nope'))).toBe('unknown time');
  });
  it('plural and formatCount', () => {
    expect(plural(1, 'instance')).toBe('1 instance');
    expect(plural(10_000, 'instance')).toBe('10,000 instances');
    expect(plural(2, 'patch', 'patches')).toBe('2 patches');
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});

describe('truncate', () => {
  it('keeps short text and ends long text with an ellipsis within max', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4).length).toBeLessThanOrEqual(4);
  });
  it('never cuts inside an entity, a Slack token or a surrogate pair', () => {
    expect(truncate('ab &amp; cd', 6)).toBe('ab…');
    expect(truncate('hi <@U0ALICE001> there', 10)).toBe('hi…');
    expect(truncate('ok 😀😀', 5)).toBe('ok…');
  });
});
