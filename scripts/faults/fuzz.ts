/**
 * Seeded random `/patch` texts (unicode, control characters, Slack markup, very long words, typos
 * of subcommands and groups) sent to the real bot: every one is answered, no answer carries the
 * input's mentions unescaped, and the bot is alive at the end.
 */
import { Expect, type FaultCase } from './case';
import { channels, users } from './flow';
import { sleep, until, type World } from './world';

/** mulberry32: a small seeded generator, enough for reproducible texts. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBCOMMANDS = [
  'help',
  'groups',
  'status',
  'baseline',
  'windows',
  'scan',
  'install',
  'reboot',
  'cancel',
  'history',
  'digest',
];
const GROUPS = ['STG', 'PRD', 'WIN', 'stg', 'prd', 'Prd', 'ALL', 'prod'];
const OPTIONS = [
  'reboot=never',
  'reboot=if-needed',
  'reboot=',
  'all',
  'public',
  'op-zzzzzz',
  '#prd-patching',
  '<#C0PRDPATCH|prd-patching>',
  '--force',
  '-h',
  '?',
];
/** Markup whose appearance in an answer means the input went out unescaped (ids that no real user, channel or group has). */
export const MARKUP = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@UFUZZ00001>',
  '<@UFUZZ00002|mallory>',
  '<!subteam^SFUZZ00001>',
  '<#CFUZZ00001>',
  '<!date^0^{date}|x>',
  '<https://evil.example|click here>',
];
const FORBIDDEN_IN_ANSWER = [
  '<!channel',
  '<!here',
  '<!everyone',
  '<@UFUZZ',
  '<!subteam^SFUZZ',
  '<#CFUZZ',
  '<!date^',
  '<https://evil.example',
];
const UNICODE = [
  'é',
  'ß',
  'Ω',
  '漢字',
  '🔥',
  '👩‍💻',
  '\u202e',
  '\u200b',
  '\ufeff',
  'a\u0301',
  '\ud83d',
  '𝔓𝔯𝔡',
  'ＰＲＤ',
  'İ',
  '\u00a0',
];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u001b[31m', '\u007f', '\u0085', '\u2028'];
const MRKDWN = [
  '*bold*',
  '_it_',
  '~x~',
  '`code`',
  '```block```',
  '&lt;',
  '&amp;',
  '&',
  '<',
  '>',
  '>quote',
  '<>',
  '<<>>',
  '|',
  '%00',
  "'; DROP TABLE operations; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal template-injection probe, sent as typed
  '${7*7}',
  '{{x}}',
  '../../etc/passwd',
];

function typo(word: string, r: () => number): string {
  if (word.length === 0) return word;
  const i = Math.floor(r() * word.length);
  switch (Math.floor(r() * 5)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + (word[i + 1] ?? '') + (word[i] ?? '') + word.slice(i + 2);
    case 2:
      return word.slice(0, i) + (word[i] ?? '') + word.slice(i);
    case 3:
      return word.slice(0, i) + String.fromCharCode(97 + Math.floor(r() * 26)) + word.slice(i + 1);
    default:
      return r() < 0.5 ? word.toUpperCase() : word + word.slice(-1);
  }
}

/** The `n` texts of seed `seed`. */
export function fuzzTexts(n: number, seed: number): string[] {
  const r = generator(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const texts: string[] = [];
  for (let k = 0; k < n; k++) {
    const words: string[] = [];
    const first = r();
    if (first < 0.45) words.push(pick(SUBCOMMANDS));
    else if (first < 0.8) words.push(typo(pick(SUBCOMMANDS), r));
    const more = Math.floor(r() * 5);
    for (let j = 0; j < more; j++) {
      const kind = r();
      if (kind < 0.2) words.push(r() < 0.5 ? pick(GROUPS) : typo(pick(GROUPS), r));
      else if (kind < 0.4) words.push(pick(MARKUP));
      else if (kind < 0.52) words.push(pick(UNICODE).repeat(1 + Math.floor(r() * 3)));
      else if (kind < 0.62) words.push(pick(CONTROL));
      else if (kind < 0.74) words.push(pick(MRKDWN));
      else if (kind < 0.84) words.push(pick(OPTIONS));
      else if (kind < 0.9) words.push(pick(['A', 'x', 'PRD', '<!channel>', '🔥']).repeat(50 + Math.floor(r() * 1500)));
      else words.push(pick(SUBCOMMANDS));
    }
    const sep = () => pick([' ', ' ', ' ', '  ', '\t', '\n', '\u3000']);
    let text = words.map((w, i) => (i === 0 ? w : sep() + w)).join('');
    if (r() < 0.1) text = ` ${text} `;
    texts.push(text);
  }
  return texts;
}

/** What one fuzzed text got. */
interface Answer {
  text: string;
  status: number;
  answered: boolean;
  unescaped: string | undefined;
  late: boolean;
}

/** Every fourth text is typed by mallory (no rights), the others by alice (an operator). */
async function sendOne(w: World, text: string, index: number, timeoutMs: number): Promise<Answer> {
  const userId = index % 4 === 3 ? users.mallory : users.alice;
  let result: Awaited<ReturnType<World['slack']['driver']['slashCommand']>>;
  try {
    result = await w.slack.driver.slashCommand({ userId, channelId: channels.ops, text });
  } catch {
    return { text, status: 0, answered: false, unescaped: undefined, late: false };
  }
  const url = result.responseUrl;
  const answers: string[] = [];
  if (result.body.trim() !== '') answers.push(result.body);
  if (answers.length === 0 || result.status !== 200) {
    await until(() => w.slack.responses().some((p) => p.url === url), timeoutMs, 25);
    // Replies that arrive a little after the first one are checked too.
    await sleep(50);
  }
  for (const p of w.slack.responses().filter((x) => x.url === url)) answers.push(JSON.stringify(p.body));
  const all = answers.join('\n');
  const unescaped = FORBIDDEN_IN_ANSWER.find((m) => all.includes(m));
  return {
    text,
    status: result.status,
    answered: answers.length > 0 && result.status === 200,
    unescaped,
    late: result.slackError === 'operation_timeout',
  };
}

export function fuzzCase(): FaultCase {
  return {
    name: 'fuzz',
    what: 'seeded random /patch texts (2,000; 200 with --quick; --fuzz N): every one answered, no mention from the input unescaped, the bot alive',
    quick: true,
    async run(w, ctx) {
      // Changes the fuzz starts reach AWS as AccessDenied: every path runs, nothing is changed.
      w.sim.configure({
        deny: [{ action: 'ssm:SendCommand' }, { action: 'ec2:RebootInstances' }, { action: 'ec2:CreateTags' }],
      });
      const bot = await w.startBot();
      const texts = fuzzTexts(ctx.fuzzCount, ctx.seed);
      const answers: Answer[] = [];
      let next = 0;
      const worker = async () => {
        while (next < texts.length && bot.alive()) {
          const index = next++;
          answers.push(await sendOne(w, texts[index] as string, index, 10_000));
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      const unanswered = answers.filter((a) => !a.answered);
      const unescaped = answers.filter((a) => a.unescaped);
      const late = answers.filter((a) => a.late);
      // What the bot posted in channels (operation cards, notes) must not carry the input's markup either.
      await sleep(1000);
      const posted = [channels.stg, channels.prd, channels.ops]
        .flatMap((c) => w.slack.messages(c))
        .filter((m) => FORBIDDEN_IN_ANSWER.some((f) => JSON.stringify([m.text, m.blocks]).includes(f)));
      let healthy = false;
      try {
        healthy = (await fetch(`http://127.0.0.1:${bot.port}/health`, { signal: AbortSignal.timeout(2000) })).ok;
      } catch {
        healthy = false;
      }
      const show = (a: Answer | undefined) => (a ? JSON.stringify(a.text.slice(0, 60)) : '');
      const e = new Expect();
      e.that(answers.length === texts.length, `only ${answers.length} of ${texts.length} texts sent (the bot died?)`);
      e.that(
        unanswered.length === 0,
        `${unanswered.length} not answered within 10 s (HTTP ${[...new Set(unanswered.map((a) => a.status))].join('/')}), e.g. ${show(unanswered[0])}`,
      );
      e.that(
        unescaped.length === 0,
        `${unescaped.length} answers carry the input's ${unescaped[0]?.unescaped ?? ''} unescaped, e.g. ${show(unescaped[0])}`,
      );
      e.that(
        posted.length === 0,
        `${posted.length} channel messages carry input markup unescaped, e.g. ${JSON.stringify(posted[0]?.text.slice(0, 80) ?? '')}`,
      );
      e.that(late.length === 0, `${late.length} acknowledged after Slack's 3 s, e.g. ${show(late[0])}`);
      e.that(bot.alive() && healthy, 'the bot is not alive and healthy at the end');
      return {
        figures: {
          texts: texts.length,
          answered: answers.length - unanswered.length,
          unescaped: unescaped.length + posted.length,
          operations: w.operations().length,
          lateAcks: late.length,
          alive: bot.alive() && healthy,
          seed: ctx.seed,
        },
        failures: e.failures,
      };
    },
  };
}
