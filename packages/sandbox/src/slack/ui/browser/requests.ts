/**
 * The page's requests to the stand-in and its status line. Each request numbers its "sending..."
 * line, so an older request's answer never overwrites a newer one's.
 */
import { $ } from './dom';

/** What the stand-in answers a POST under `/_ui/`. */
export interface Answer {
  error?: string;
  slackError?: string | null;
  elapsedMs?: number;
}

let asked = 0;

/** POSTs JSON to the stand-in and reads its JSON answer. */
export function post(path: string, body: object): Promise<Answer> {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.json());
}

/** Shows a line in the status bar, red when it is an error. */
export function setStatus(text: string, error?: boolean): void {
  const s = $('status');
  s.textContent = text;
  s.className = error ? 'error' : '';
}

/** Shows that a request is on its way; returns its number for `answer`. */
export function ask(text: string): number {
  setStatus(text);
  asked += 1;
  return asked;
}

/** Shows request `n`'s answer, unless a newer request has been sent since. */
export function answer(r: Answer, what: string, n: number): void {
  if (n !== asked) return;
  if (r.error) setStatus(r.error, true);
  else if (r.slackError) setStatus(`${what} failed: ${r.slackError}`, true);
  else setStatus(`${what} acknowledged in ${r.elapsedMs} ms`);
}

/** Shows that the stand-in could not be reached. */
export function failed(e: unknown): void {
  setStatus(`cannot reach the stand-in: ${e}`, true);
}
