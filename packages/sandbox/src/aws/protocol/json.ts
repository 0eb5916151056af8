/**
 * The awsJson1_1 protocol (SSM): JSON bodies, `X-Amz-Target: AmazonSSM.<Operation>`, timestamps
 * as epoch seconds, errors as `{"__type": code, "message": ...}` plus the `x-amzn-ErrorType`
 * header (the SDK reads `__type` first, the header as a fallback).
 */
import type { SimulatorError } from '../errors';

/** The content type SSM answers with. */
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** A response ready to write: status, headers, body. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  /** Text for every service; S3's GetObject answers an object's bytes. */
  body: string | Buffer;
}

/** Dates become epoch seconds (with milliseconds as the fraction); undefined members are dropped. */
function replacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Date) return raw.getTime() / 1000;
  return value;
}

/** Encodes a successful SSM answer. */
export function jsonResponse(output: unknown): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': JSON_CONTENT_TYPE },
    body: JSON.stringify(output ?? {}, replacer),
  };
}

/** Encodes an SSM error answer. */
export function jsonError(error: SimulatorError): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-errortype': error.code },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}

/** The operation named by `X-Amz-Target`, e.g. `AmazonSSM.SendCommand` → `SendCommand`. */
export function operationFromTarget(target: string | undefined): { service: string; operation: string } | undefined {
  if (!target) return undefined;
  const dot = target.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return { service: target.slice(0, dot), operation: target.slice(dot + 1) };
}
