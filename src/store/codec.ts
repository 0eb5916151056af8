import type { z } from 'zod';
import { PatchbotError } from '../errors';

/**
 * Conversions between API values and SQL columns. Times are ISO-8601 UTC text with milliseconds
 * (`toISOString`): readable in the sqlite3 shell and, being fixed-width, ordered correctly as text.
 */

/** A Date as stored in a time column. */
export function toSqlTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new PatchbotError('INTERNAL', 'store: refusing to write an invalid Date');
  return date.toISOString();
}

/** A value as stored in a JSON column; refuses what JSON cannot carry instead of storing `undefined`. */
export function toSqlJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new PatchbotError('INTERNAL', `store: ${what} is not JSON-serialisable: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (text === undefined) throw new PatchbotError('INTERNAL', `store: ${what} is not JSON-serialisable`);
  return text;
}

/** A column that failed to decode; the caller names the row and the file in the final error. */
export class CorruptColumn extends Error {
  constructor(
    readonly column: string,
    reason: string,
  ) {
    super(`column ${column}: ${reason}`);
  }
}

/** Reads a time column back; an unparsable value is corruption, not a default. */
export function fromSqlTime(text: string, column: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new CorruptColumn(column, `not a timestamp: ${JSON.stringify(text)}`);
  return date;
}

/** Reads a JSON column back and checks its shape, so a corrupt row fails loudly where it is read. */
export function fromSqlJson<T>(text: string, schema: z.ZodType<T>, column: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CorruptColumn(column, `invalid JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    throw new CorruptColumn(column, `unexpected shape${where}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
