/** How a click is answered privately: a notice naming user groups by handle, sent through the click's response_url. */
import type { Logger } from '../logger';
import { namesIn, type Sentence } from '../sentence';
import type { NameDirectory } from './directory';
import { decisionNoticeView } from './views/errors';

/** `notice` draws the private answer; `tell` sends it through `respond` (a failed send is logged, never thrown). */
export function clickAnswers(names: NameDirectory, log: Logger) {
  const notice = async (text: Sentence | string) =>
    decisionNoticeView(text, [], await names.handles(namesIn(text, ['principal'])));
  const tell = async (respond: (m: object) => Promise<unknown>, text: Sentence | string): Promise<void> => {
    await respond({ response_type: 'ephemeral', replace_original: false, ...(await notice(text)) }).catch(
      (err: unknown) => log.warn({ err }, 'could not answer a click'),
    );
  };
  return { notice, tell };
}
