/**
 * An HTTP server on 127.0.0.1 that answers each request with the next queued answer (or a default),
 * its body dribbled in small writes as a large answer arrives over the wire: for the tests of the
 * readers that take an AWS answer's body from inside the SDK.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_CREDENTIALS } from './aws';

/** One answer to give: status and body. */
export interface Answer {
  status: number;
  body: string;
}

/** The running server: its URL, the queue of answers to give next, and how many requests it served. */
export interface DribbledAnswers {
  url: string;
  /** An SDK client's configuration for this server: its endpoint, sandbox keys and three attempts. */
  clientConfig: { endpoint: string; region: string; credentials: typeof SANDBOX_CREDENTIALS; maxAttempts: number };
  /** Answers given in order before the default one. */
  answers: Answer[];
  served(): number;
  /** Empties the queue and the count. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the server; `fallback` answers every request the queue does not. */
export async function startDribbledAnswers(contentType: string, fallback: () => Answer): Promise<DribbledAnswers> {
  const answers: Answer[] = [];
  let served = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      served += 1;
      const next = answers.shift() ?? fallback();
      res.writeHead(next.status, { 'content-type': contentType });
      const all = Buffer.from(next.body);
      let at = 0;
      const more = () => {
        if (at >= all.length) return void res.end();
        res.write(all.subarray(at, at + 97));
        at += 97;
        setImmediate(more);
      };
      more();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    clientConfig: { endpoint: url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS, maxAttempts: 3 },
    answers,
    served: () => served,
    reset() {
      answers.length = 0;
      served = 0;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
