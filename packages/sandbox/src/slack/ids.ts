/** Identifier makers: message timestamps in Slack's format, trigger ids, view ids, opaque keys. */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock';

/**
 * Message timestamps: `"<epoch seconds>.<6 digits>"`, unique and strictly increasing across the
 * workspace, taken from the clock (microseconds from its milliseconds) and bumped when two calls
 * land on the same instant or the clock stands still.
 */
export class TsGenerator {
  private last = 0n;

  constructor(private readonly clock: Clock) {}

  /** The next timestamp. */
  next(): string {
    const micros = BigInt(this.clock.now().getTime()) * 1000n;
    this.last = micros > this.last ? micros : this.last + 1n;
    const seconds = this.last / 1_000_000n;
    const fraction = (this.last % 1_000_000n).toString().padStart(6, '0');
    return `${seconds}.${fraction}`;
  }
}

/** Upper-case letters and digits, as Slack ids use. */
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random Slack-shaped id: the prefix letter, then `length` upper-case alphanumerics. */
export function slackId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** A trigger id shaped like Slack's: `<digits>.<digits>.<hex>`. */
export function triggerId(sequence: number): string {
  return `${Date.now()}${sequence}.${1000000 + sequence}.${randomBytes(16).toString('hex')}`;
}

/** An opaque url-safe key (response_url ids). */
export function opaqueKey(): string {
  return randomBytes(12).toString('hex');
}

/** Compares two Slack timestamps numerically. */
export function compareTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  const d = Number(as) - Number(bs);
  return d !== 0 ? d : Number(af.padEnd(6, '0')) - Number(bf.padEnd(6, '0'));
}
