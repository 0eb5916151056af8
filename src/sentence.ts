/**
 * User-facing sentences that name people and channels. The domain and the commands say *who* (a
 * Slack id, and whether it is a user, a configured principal or a channel), never *how* Slack
 * shows it: the Slack layer renders each name (`renderSentence` in src/slack/mrkdwn.ts) as a user
 * mention, a user group's @handle in plain text (a `<!subteam^…>` mention would notify every
 * member) or a channel link. So no Slack syntax is built outside src/slack/, and no raw id reaches
 * a reader. `plainSentence` writes the ids as they are, for logs, developer messages and tests.
 *
 *   said`Only the requester (${user(op.requestedBy)}) may cancel ${op.id}.`
 */

/** Someone or somewhere named in a sentence, by Slack id. */
export interface Name {
  /** `user`: a U…/W… id; `principal`: a configured operator or approver (user or user group id); `channel`: a C… id or a configured `#name`. */
  readonly kind: 'user' | 'principal' | 'channel';
  readonly id: string;
}

/** Raw text and names, in reading order. */
export type Sentence = ReadonlyArray<string | Name>;

/** A person, by user id. */
export const user = (id: string): Name => ({ kind: 'user', id });
/** A configured principal: a user id or a user group id. */
export const principal = (id: string): Name => ({ kind: 'principal', id });
/** A channel, by id (or a configured `#name`). */
export const channel = (id: string): Name => ({ kind: 'channel', id });

/** Whether a value is a Name. */
export function isName(v: unknown): v is Name {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as Name).id === 'string' &&
    typeof (v as Name).kind === 'string'
  );
}

type Part = string | number | Name | Sentence | undefined;

/** Builds a sentence from a template: interpolated strings and numbers stay text, Names stay names, nested sentences are spliced in. */
export function said(strings: TemplateStringsArray, ...values: Part[]): Sentence {
  const out: Array<string | Name> = [];
  const push = (p: Part) => {
    if (p === undefined || p === '') return;
    if (typeof p === 'string' || typeof p === 'number') {
      const last = out[out.length - 1];
      if (typeof last === 'string') out[out.length - 1] = last + String(p);
      else out.push(String(p));
    } else if (isName(p)) out.push(p);
    else for (const q of p) push(q);
  };
  strings.forEach((s, i) => {
    push(s);
    if (i < values.length) push(values[i]);
  });
  return out;
}

/** Names joined with ", " ("a, b, c"). */
export function nameList(names: readonly Name[]): Sentence {
  return names.flatMap((n, i) => (i === 0 ? [n] : [', ', n]));
}

/** The sentence with ids written as they are: for logs, developer messages and tests. */
export function plainSentence(s: Sentence | string): string {
  return typeof s === 'string' ? s : s.map((p) => (typeof p === 'string' ? p : p.id)).join('');
}

/** The ids a sentence names, of the given kinds (all when omitted). */
export function namesIn(s: Sentence | string, kinds?: ReadonlyArray<Name['kind']>): string[] {
  if (typeof s === 'string') return [];
  return s.filter((p): p is Name => typeof p !== 'string' && (!kinds || kinds.includes(p.kind))).map((p) => p.id);
}
