/**
 * The upload URLs files.getUploadURLExternal hands out, on their own HTTP server on 127.0.0.1 (as
 * Slack's are on files.slack.com, not on the Web API's host): `POST /upload/v1/<key>` takes the
 * file's bytes raw or as a multipart form (the file part, as `curl -F filename=@chart.png` sends
 * it). HTTP 200 when the bytes are kept; any other status is a failed upload, as Slack documents:
 * 404 for a URL it never gave or whose file is already completed, 400 when the bytes are not the
 * `length` the file was declared with (or the form has no file part).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StandInContext } from './context';
import { mediaType } from './http';

/** Largest file accepted (the stand-in's limit; Slack's is 1 GB). */
const MAX_FILE = 20 * 1024 * 1024;

async function readBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_FILE) throw new Error('file too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** The file part of a multipart/form-data body: the first part with a `filename`, else one named `file` or `filename`. */
export function multipartFile(body: Buffer, contentType: string): Buffer | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const mark = boundary?.[1] ?? boundary?.[2];
  if (!mark) return undefined;
  const delimiter = Buffer.from(`--${mark.trim()}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    parts.push(body.subarray(start + 2, next - 2));
    at = next;
  }
  let named: Buffer | undefined;
  for (const part of parts) {
    const split = part.indexOf('\r\n\r\n');
    if (split === -1) continue;
    const headers = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    if (/\bfilename="/i.test(disposition)) return content;
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (!named && (name === 'file' || name === 'filename')) named = content;
  }
  return named;
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(ctx: StandInContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const key = /^\/upload\/v1\/([A-Za-z0-9]+)$/.exec(path)?.[1];
  if (req.method !== 'POST' || !key) return answer(res, 404, 'not found');
  const file = ctx.files.byUploadKey(key);
  const body = await readBytes(req);
  if (!file || file.state === 'completed') return answer(res, 404, 'not found');
  const type = mediaType(req);
  const bytes = type === 'multipart/form-data' ? multipartFile(body, req.headers['content-type'] ?? '') : body;
  if (!bytes) return answer(res, 400, 'no file in the form');
  if (bytes.length !== file.declaredLength)
    return answer(res, 400, `length mismatch: declared ${file.declaredLength}, received ${bytes.length}`);
  ctx.files.receive(file.id, bytes);
  ctx.logger.debug({ file: file.id, bytes: bytes.length }, 'file bytes uploaded');
  answer(res, 200, `OK - ${bytes.length}`);
}

/** Starts the upload host on 127.0.0.1 (a free port); resolves with the server and its base URL. */
export async function listenUploads(ctx: StandInContext): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err: unknown) => {
      ctx.logger.error({ err, url: req.url }, 'upload failed');
      if (!res.headersSent) answer(res, 500, 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
