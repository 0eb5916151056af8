/** What a Web API method is: a rate tier and a handler from arguments to Slack's answer. */
import type { StandInContext } from '../context';
import type { RateTier } from '../rate-limit';
import type { JsonObject } from '../types';

/** A method's answer: `{ok:true,...}` members, or an error code with extra members. */
export type ApiResult = { ok: true; body: JsonObject } | { ok: false; error: string; detail?: JsonObject };

/** The arguments of one call, decoded from a form, a JSON body or a query string. */
export class ApiArgs {
  constructor(readonly raw: Record<string, unknown>) {}

  /** A string argument ('' and absent are undefined). Numbers and booleans become strings. */
  string(name: string): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  }

  /** A boolean argument: true, 'true' and '1' are true. */
  bool(name: string): boolean {
    const v = this.raw[name];
    return v === true || v === 'true' || v === '1' || v === 1;
  }

  /** Whether the argument is present at all. */
  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  /** The raw value. */
  value(name: string): unknown {
    return this.raw[name];
  }
}

/** A Web API method of the stand-in. */
export interface ApiMethod {
  /** Slack's rate-limit tier for the method. */
  tier: RateTier;
  handle(ctx: StandInContext, args: ApiArgs): ApiResult | Promise<ApiResult>;
}

/** A success answer. */
export function ok(body: JsonObject = {}): ApiResult {
  return { ok: true, body };
}

/** An error answer. */
export function fail(error: string, detail?: JsonObject): ApiResult {
  return detail ? { ok: false, error, detail } : { ok: false, error };
}
