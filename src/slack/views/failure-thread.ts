/**
 * The result thread's explanation of failed instances: a summary first (how many failed, grouped by
 * reason: status, SSM's details and exit code), then the failed instances a few per reply with the
 * last lines of their output in a code block, and a link to the full output where SSM wrote it to
 * S3. Everything from AWS is escaped; each reply stays inside Slack's limits.
 */
import type { FailedInstance, FailureDetail } from '../../patching/failure-record';
import { listWithMore } from '../limits';
import { bold, escapeText, formatCount, oneLine, plural, truncate } from '../mrkdwn';
import { SHORT, blocks, footer, instanceLabel, message, section, spansScopes } from './blocks';
import type { SlackMessage } from './message';

/** Failed instances per thread reply: each carries up to two code blocks. */
const PER_REPLY = 2;
/** Characters of one instance's output block (its last lines; earlier ones are dropped to fit). */
const OUTPUT_BLOCK_MAX = 2_400;
/** Characters of one instance's error block. */
const ERROR_BLOCK_MAX = 800;

/** "Failed (Failed) · exit code 1": why an instance failed, as SSM says it. */
export function failureReason(f: FailedInstance): string {
  const details = f.statusDetails && f.statusDetails !== f.status ? ` (${oneLine(f.statusDetails)})` : '';
  const exit = f.responseCode !== undefined && f.responseCode >= 0 ? ` · exit code ${f.responseCode}` : '';
  return truncate(`${f.status}${details}${exit}`, 150);
}

/**
 * Lines in a code block of at most `max` characters: the last lines win (the error is at the end),
 * escaped, so neither markup nor a backtick from the output can end the block early.
 */
export function codeBlock(lines: readonly string[], max: number): string {
  const kept: string[] = [];
  let size = 8;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = escapeText(lines[i] ?? '');
    if (size + line.length + 1 > max) break;
    kept.unshift(line);
    size += line.length + 1;
  }
  const dropped = lines.length - kept.length;
  return `${dropped > 0 ? `_…${formatCount(dropped)} earlier line${dropped === 1 ? '' : 's'} left out_\n` : ''}\`\`\`\n${kept.join('\n')}\n\`\`\``;
}

/** A link to the full output, only for https URLs (anything else is not ours to link). */
function outputLink(url: string | undefined): string | undefined {
  if (!url || !/^https:\/\/[^\s<>|]+$/.test(url)) return undefined;
  return `<${url.replace(/&/g, '&amp;')}|Full output in S3>`;
}

/** One failed instance's part of a reply: who, why, the end of its output, and where the rest is. */
function instanceBlocks(f: FailedInstance, multi: boolean) {
  const head = `${instanceLabel(f, multi)} — ${escapeText(failureReason(f))}`;
  const link = outputLink(f.outputUrl);
  const output = f.output ?? [];
  const errors = f.errors ?? [];
  return [
    section(`${head}${link ? `\n${link}` : ''}`),
    f.readError
      ? section(`_The output could not be read: ${escapeText(truncate(oneLine(f.readError), 500))}_`)
      : output.length > 0
        ? section(`Last ${plural(output.length, 'line')} of its output:\n${codeBlock(output, OUTPUT_BLOCK_MAX)}`)
        : section('_SSM kept no output for it._'),
    errors.length > 0 ? section(`Errors:\n${codeBlock(errors, ERROR_BLOCK_MAX)}`) : undefined,
  ];
}

/** The summary reply and the detail replies for failed instances; `where` names what they failed in ("the install of PRD"). */
export function failureThreadView(where: string, detail: Pick<FailureDetail, 'instances' | 'more'>): SlackMessage[] {
  const all = [...detail.instances, ...detail.more];
  const multi = spansScopes(all);
  const byReason = new Map<string, FailedInstance[]>();
  for (const f of all) byReason.set(failureReason(f), [...(byReason.get(failureReason(f)) ?? []), f]);
  const groups = [...byReason.entries()].sort((a, b) => b[1].length - a[1].length);
  const reasonLines = groups.map(([reason, list]) => {
    const names = listWithMore(
      list.map((f) => instanceLabel(f, multi)),
      { maxChars: 600, maxLines: 5 },
    ).text.replace(/\n/g, ', ');
    return `• ${escapeText(reason)} — ${formatCount(list.length)}: ${names}`;
  });
  const title = `${plural(all.length, 'instance')} failed in ${where}`;
  const more = detail.more.length;
  const summary = message(
    `❌ ${escapeText(title)}`,
    blocks(
      section(`❌ ${bold(title)}, by reason:`),
      section(listWithMore(reasonLines, SHORT).text),
      footer(
        more > 0
          ? `The output of the first ${formatCount(detail.instances.length)} follows; ${formatCount(more)} more are named at the end.`
          : `The output of ${all.length === 1 ? 'it' : 'each'} follows (the end of what SSM kept: 24,000 characters of output, 8,000 of errors).`,
      ),
    ),
  );
  const replies: SlackMessage[] = [];
  for (let i = 0; i < detail.instances.length; i += PER_REPLY) {
    const mine = detail.instances.slice(i, i + PER_REPLY);
    const range = `${formatCount(i + 1)}–${formatCount(i + mine.length)} of ${formatCount(detail.instances.length)}`;
    replies.push(
      message(
        `Failed instances ${range}: ${mine.map((f) => escapeText(f.name ?? f.instanceId)).join(', ')}`,
        blocks(mine.map((f) => instanceBlocks(f, multi))),
      ),
    );
  }
  if (more > 0) {
    const names = listWithMore(
      detail.more.map((f) => `• ${instanceLabel(f, multi)} — ${escapeText(failureReason(f))}`),
      { maxChars: 2_500, maxLines: 40 },
    ).text;
    replies.push(
      message(
        `…and ${formatCount(more)} more failed instances`,
        blocks(
          section(`…and ${bold(`${formatCount(more)} more`)} failed instances, not shown in detail:\n${names}`),
          footer('Run Command → Command history in the SSM console has the output of every invocation.'),
        ),
      ),
    );
  }
  return [summary, ...replies];
}
