/**
 * The `aws-chunked` content encoding the SDK uses for streaming uploads: a series of
 * `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` chunks ending with a zero-size chunk, then
 * optional trailing headers (a checksum). Decoded to the object's bytes.
 */
import { SimulatorError } from '../errors';

/** Whether the request's body is aws-chunked. */
export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const encoding = String(headers['content-encoding'] ?? '');
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  return encoding.split(',').some((e) => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-');
}

/** The payload of an aws-chunked body. */
export function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) throw incomplete();
    const sizeText = raw.subarray(at, lineEnd).toString('latin1').split(';')[0]?.trim() ?? '';
    const size = Number.parseInt(sizeText, 16);
    if (!/^[0-9a-fA-F]+$/.test(sizeText) || Number.isNaN(size)) throw incomplete();
    at = lineEnd + 2;
    if (size === 0) return Buffer.concat(parts);
    if (at + size > raw.length) throw incomplete();
    parts.push(raw.subarray(at, at + size));
    at += size + 2;
  }
}

function incomplete(): SimulatorError {
  return new SimulatorError(
    'IncompleteBody',
    'You did not provide the number of bytes specified by the Content-Length HTTP header.',
  );
}
