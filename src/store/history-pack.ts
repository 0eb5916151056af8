import { PatchbotError } from '../errors';
import { CorruptColumn } from './codec';

/*
 * The packed per-instance part of one group's day in the compliance history (migration v7): one
 * BLOB (SQLite) / BYTEA (PostgreSQL) per group and day instead of one row per instance and day,
 * because PostgreSQL spends about 28 bytes of tuple header and line pointer on every row.
 *
 * Layout, little-endian, fixed width: a format byte (1), the instance count n (u32), then column by
 * column (so runs of equal values sit together and TOAST's compression finds them): n instance
 * numbers (u32, ascending), n critical_since days (i32), n important_since days (i32), n flag bytes
 * (bit 0 pending reboot, bit 1 unreachable). A day is days since 1970-01-01 UTC; NO_DAY is null.
 */

/** One instance's entry in a packed day. */
export interface PackedInstance {
  /** Its number in `history_instances`. */
  instance: number;
  criticalSince: number | null;
  importantSince: number | null;
  pendingReboot: boolean;
  unreachable: boolean;
}

const FORMAT = 1;
const HEADER = 5;
/** Bytes per instance: u32 number, two i32 days, one flag byte. */
const PER_INSTANCE = 13;
/** The null marker of the day columns: the smallest i32, never a day patchbot records. */
const NO_DAY = -0x80000000;
const PENDING_REBOOT = 1;
const UNREACHABLE = 2;

/** Packs a day's entries (sorted by instance number) into the column's bytes. */
export function packDay(entries: readonly PackedInstance[]): Buffer {
  const sorted = [...entries].sort((a, b) => a.instance - b.instance);
  const n = sorted.length;
  const buf = Buffer.alloc(HEADER + PER_INSTANCE * n);
  buf.writeUInt8(FORMAT, 0);
  buf.writeUInt32LE(n, 1);
  const crit = HEADER + 4 * n;
  const imp = crit + 4 * n;
  const flags = imp + 4 * n;
  sorted.forEach((e, i) => {
    if (!Number.isInteger(e.instance) || e.instance < 0 || e.instance > 0xffffffff)
      throw new PatchbotError('INTERNAL', `history pack: instance number ${e.instance} does not fit 32 bits`);
    buf.writeUInt32LE(e.instance, HEADER + 4 * i);
    buf.writeInt32LE(day(e.criticalSince), crit + 4 * i);
    buf.writeInt32LE(day(e.importantSince), imp + 4 * i);
    buf.writeUInt8((e.pendingReboot ? PENDING_REBOOT : 0) | (e.unreachable ? UNREACHABLE : 0), flags + i);
  });
  return buf;
}

/** Reads a packed day back; anything not written by packDay throws CorruptColumn naming `column`. */
export function unpackDay(bytes: unknown, column: string): PackedInstance[] {
  if (!(bytes instanceof Uint8Array)) throw new CorruptColumn(column, `not bytes but ${typeof bytes}`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER)
    throw new CorruptColumn(column, `${buf.length} bytes, shorter than the ${HEADER}-byte header`);
  if (buf.readUInt8(0) !== FORMAT) throw new CorruptColumn(column, `unknown packing format ${buf.readUInt8(0)}`);
  const n = buf.readUInt32LE(1);
  if (buf.length !== HEADER + PER_INSTANCE * n)
    throw new CorruptColumn(column, `${buf.length} bytes for ${n} instances (expected ${HEADER + PER_INSTANCE * n})`);
  const crit = HEADER + 4 * n;
  const imp = crit + 4 * n;
  const flags = imp + 4 * n;
  const out: PackedInstance[] = [];
  for (let i = 0; i < n; i++) {
    const f = buf.readUInt8(flags + i);
    if (f > (PENDING_REBOOT | UNREACHABLE)) throw new CorruptColumn(column, `unknown flags ${f} at entry ${i}`);
    out.push({
      instance: buf.readUInt32LE(HEADER + 4 * i),
      criticalSince: since(buf.readInt32LE(crit + 4 * i)),
      importantSince: since(buf.readInt32LE(imp + 4 * i)),
      pendingReboot: (f & PENDING_REBOOT) !== 0,
      unreachable: (f & UNREACHABLE) !== 0,
    });
  }
  return out;
}

/** How many instances a packed day of `byteLength` bytes holds (prune counts them without decoding). */
export function packedCount(byteLength: number): number {
  return Math.max(0, Math.floor((byteLength - HEADER) / PER_INSTANCE));
}

function day(value: number | null): number {
  if (value === null) return NO_DAY;
  if (!Number.isInteger(value) || value <= NO_DAY || value > 0x7fffffff)
    throw new PatchbotError('INTERNAL', `history pack: day ${value} is not a 32-bit day number`);
  return value;
}

const since = (value: number): number | null => (value === NO_DAY ? null : value);
