/**
 * Ephemeral replies when something went wrong: what failed and what to do, in the error's own
 * words (escaped, since they often echo what the user typed), never a stack trace. Messages that
 * name people or channels come as sentences (src/sentence.ts) and render the same in the
 * notification text and the block: mentions, user groups by handle (`handles`), channel links.
 */
import { plainSentence, type Sentence } from '../../sentence';
import { NO_HANDLES, code, escapeText, principal, renderSentence, type Handles } from '../mrkdwn';
import { listWithMore } from '../limits';
import { blocks, footer, message, section } from './blocks';
import type { SlackMessage } from './message';

/** A failure the user should know about; `requestId` lets an operator find the log lines. */
export function errorView(
  userMessage: Sentence | string,
  requestId?: string,
  handles: Handles = NO_HANDLES,
): SlackMessage {
  const text = renderSentence(userMessage, handles);
  return message(
    text,
    blocks(
      section(`❌ ${text}`),
      requestId ? footer(`Request ${code(requestId)}: the bot logs have the detail.`) : undefined,
    ),
  );
}

/**
 * A wrong input: the problem, what is valid, and the usage line. Parts the problem already says
 * (the domain's messages often end with "Usage: …") are not repeated.
 */
export function usageView(
  problem: Sentence | string,
  usage: string,
  valid?: readonly string[],
  validLabel = 'Valid',
): SlackMessage {
  const plain = plainSentence(problem);
  const validText =
    valid && valid.length > 0 && !plain.includes(`${validLabel}:`) ? `${validLabel}: ${valid.join(', ')}.` : '';
  const usageText = plain.includes(usage) ? '' : `Usage: ${usage}`;
  const lines = [
    `⚠️ ${renderSentence(problem)}`,
    validText ? `${validLabel}: ${valid?.map((v) => code(v)).join(', ')}` : '',
    usageText ? `Usage: ${code(usage)}` : '',
  ].filter(Boolean);
  return message(
    [renderSentence(problem), escapeText([validText, usageText].filter(Boolean).join(' '))].filter(Boolean).join(' '),
    blocks(section(lines.join('\n'))),
  );
}

/** A refusal that says who may do it instead (users as mentions, user groups by handle, so nobody is paged). */
export function forbiddenView(
  userMessage: Sentence | string,
  allowed: readonly string[] = [],
  handles: Handles = NO_HANDLES,
): SlackMessage {
  const who = listWithMore(
    allowed.map((id) => principal(id, handles)),
    { maxChars: 1_000, maxLines: 20 },
  ).text.replace(/\n/g, ', ');
  const text = renderSentence(userMessage, handles);
  return message(text, blocks(section(`🔒 ${text}${who ? `\nWho may: ${who}` : ''}`)));
}

/** A short private note, e.g. where an operation's progress is posted (a channel named in it is a link). */
export function noteView(text: Sentence | string, handles: Handles = NO_HANDLES): SlackMessage {
  const said = renderSentence(text, handles);
  return message(said, blocks(section(`ℹ️ ${said}`)));
}

/**
 * The private answer to a click on an approval card, when the click changed nothing or needs
 * saying: "You requested this change; another approver must approve it." Who may act instead is
 * listed as for forbiddenView.
 */
export function decisionNoticeView(
  userMessage: Sentence | string,
  allowed: readonly string[] = [],
  handles: Handles = NO_HANDLES,
): SlackMessage {
  if (allowed.length > 0) return forbiddenView(userMessage, allowed, handles);
  const text = renderSentence(userMessage, handles);
  return message(text, blocks(section(`✋ ${text}`)));
}
