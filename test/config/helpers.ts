import { ConfigError } from '../../src/errors';
import { parseConfigText } from '../../src/config';

/** The issues of a document that must fail, as the `path: message` lines ConfigError prints. */
export function issuesOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfigText(text, 'patchbot.yml', env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  }
  throw new Error('expected the document to be rejected');
}

/** The same, without the "(line L, column C)" suffix. */
export function messagesOf(text: string, env: Record<string, string> = {}): string[] {
  return issuesOf(text, env).map((line) => line.replace(/ \(line \d+, column \d+\)$/, ''));
}

/** A valid group, to build documents around one wrong key. */
export const GROUP = 'channel: C1\n    operators: [U1]';
