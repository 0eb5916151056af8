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

/**
 * The answer with Dates as epoch seconds (milliseconds as the fraction). Done as a copy before
 * JSON.stringify rather than with a replacer: a replacer turns off V8's fast serializer and sees
 * every Date only after its toJSON made an ISO string of it, which at a page of 100 patch states
 * cost more than the handler. undefined members are dropped by JSON.stringify as before.
 */
function wireValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(wireValue);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = wireValue((value as Record<string, unknown>)[key]);
  return out;
}

/** Encodes a successful SSM answer. */
export function jsonResponse(output: unknown): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': JSON_CONTENT_TYPE },
    body: JSON.stringify(wireValue(output ?? {})),
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
