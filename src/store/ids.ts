import { randomBytes } from 'node:crypto';

/**
 * Operation ids: `op-` and 6 characters of Crockford's base32 in lower case. People type them
 * (`/patch cancel op-7k2m9q`) and SSM carries them in its 100-char Comment, so they are short and
 * leave out the look-alikes i, l, o and u. 32^6 is about a billion; the repository retries the rare
 * collision on insert.
 */

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const ID_LENGTH = 6;
const ID_PATTERN = /^op-[0-9a-hjkmnp-tv-z]{6,8}$/;

/** A fresh random operation id. */
export function newOperationId(): string {
  // 256 is a multiple of 32, so taking the low five bits of each byte keeps every character equally likely.
  const bytes = randomBytes(ID_LENGTH);
  let id = 'op-';
  for (const byte of bytes) id += ALPHABET[byte & 31];
  return id;
}

/** Whether `text` is an operation id in canonical form (accepts 6 to 8 characters, for later growth). */
export function isOperationId(text: string): boolean {
  return ID_PATTERN.test(text);
}

/**
 * Reads an id as a person typed it: any case, with or without `op-`, with i/l read as 1 and o as 0
 * (Crockford's rule). Returns the canonical id, or undefined if it cannot be one.
 */
export function normalizeOperationId(input: string): string | undefined {
  let text = input.trim().toLowerCase();
  if (text.startsWith('op-')) text = text.slice(3);
  text = text.replace(/[il]/g, '1').replace(/o/g, '0');
  const id = `op-${text}`;
  return isOperationId(id) ? id : undefined;
}
