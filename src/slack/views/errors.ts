/**
 * Ephemeral replies when something went wrong: what failed and what to do, in the error's own
 * words (escaped, since they often echo what the user typed), never a stack trace.
 */
import { code, escapeText, principal } from '../mrkdwn';
import { listWithMore } from '../limits';
import { blocks, footer, message, section } from './blocks';
import type { SlackMessage } from './types';

/** A failure the user should know about; `requestId` lets an operator find the log lines. */
export function errorView(userMessage: string, requestId?: string): SlackMessage {
  return message(
    escapeText(userMessage),
    blocks(section(`❌ ${escapeText(userMessage)}`), requestId ? footer(`Request ${code(requestId)}: the bot logs have the detail.`) : undefined),
  );
}

/**
 * A wrong input: the problem, what is valid, and the usage line. Parts the problem already says
 * (the domain's messages often end with "Usage: …") are not repeated.
 */
export function usageView(problem: string, usage: string, valid?: readonly string[], validLabel = 'Valid'): SlackMessage {
  const validText = valid && valid.length > 0 && !problem.includes(`${validLabel}:`) ? `${validLabel}: ${valid.join(', ')}.` : '';
  const usageText = problem.includes(usage) ? '' : `Usage: ${usage}`;
  const lines = [
    `⚠️ ${escapeText(problem)}`,
    validText ? `${validLabel}: ${valid?.map((v) => code(v)).join(', ')}` : '',
    usageText ? `Usage: ${code(usage)}` : '',
  ].filter(Boolean);
  return message(escapeText([problem, validText, usageText].filter(Boolean).join(' ')), blocks(section(lines.join('\n'))));
}

/** A refusal that says who may do it instead (user and user-group mentions; ephemeral, so nobody is paged). */
export function forbiddenView(userMessage: string, allowed: readonly string[] = []): SlackMessage {
  const who = listWithMore(allowed.map(principal), { maxChars: 1_000, maxLines: 20 }).text.replace(/\n/g, ', ');
  return message(escapeText(userMessage), blocks(section(`🔒 ${escapeText(userMessage)}${who ? `\nWho may: ${who}` : ''}`)));
}

/** A short private note, e.g. where an operation's progress is posted. */
export function noteView(text: string): SlackMessage {
  return message(escapeText(text), blocks(section(`ℹ️ ${escapeText(text)}`)));
}

/**
 * The private answer to a click on an approval card, when the click changed nothing or needs
 * saying: "You requested this change; another approver must approve it." Who may act instead is
 * listed as for forbiddenView.
 */
export function decisionNoticeView(userMessage: string, allowed: readonly string[] = []): SlackMessage {
  return allowed.length > 0 ? forbiddenView(userMessage, allowed) : message(escapeText(userMessage), blocks(section(`✋ ${escapeText(userMessage)}`)));
}
