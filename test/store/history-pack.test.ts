import { PatchbotError } from '../../src/errors';
import { CorruptColumn } from '../../src/store/codec';
import { type PackedInstance, packDay, packedCount, unpackDay } from '../../src/store/history-pack';

const entry = (instance: number, over: Partial<PackedInstance> = {}): PackedInstance => ({
  instance,
  criticalSince: null,
  importantSince: null,
  pendingReboot: false,
  unreachable: false,
  ...over,
});

describe('history-pack: one group day of instances in one column', () => {
  it('round-trips every field, sorted by instance number, at 13 bytes an instance', () => {
    const entries = [
      entry(4_000_000_000, { criticalSince: 20_509, importantSince: 0, pendingReboot: true, unreachable: true }),
      entry(7, { importantSince: -3, unreachable: true }),
      entry(1, { criticalSince: 2_147_483_647, pendingReboot: true }),
    ];
    const packed = packDay(entries);
    expect(packed.length).toBe(5 + 13 * 3);
    expect(packedCount(packed.length)).toBe(3);
    expect(unpackDay(packed, 'packed')).toEqual([entries[2], entries[1], entries[0]]);
  });

  it('keeps nulls apart from day 0 and writes the fixed little-endian layout', () => {
    const packed = packDay([entry(258, { criticalSince: 0 })]);
    const parts = {
      format: '01',
      count: '01000000',
      instance: '02010000', // 258
      criticalSince: '00000000', // day 0
      importantSince: '00000080', // the null marker
      flags: '00',
    };
    expect(packed.toString('hex')).toBe(Object.values(parts).join(''));
    expect(unpackDay(packed, 'packed')[0]).toEqual(entry(258, { criticalSince: 0 }));
  });

  it('packs an empty day into the header alone', () => {
    const packed = packDay([]);
    expect(packed.length).toBe(5);
    expect(packedCount(packed.length)).toBe(0);
    expect(unpackDay(packed, 'packed')).toEqual([]);
    // As a driver may hand it back: a Uint8Array view into a larger buffer.
    const big = Buffer.concat([Buffer.from([9, 9]), packed]);
    expect(unpackDay(new Uint8Array(big.buffer, big.byteOffset + 2, 5), 'packed')).toEqual([]);
  });

  it('refuses a day it cannot write rather than storing a wrong one', () => {
    expect(() => packDay([entry(1, { criticalSince: -0x80000000 })])).toThrow(PatchbotError);
    expect(() => packDay([entry(1, { importantSince: 1.5 })])).toThrow(PatchbotError);
    expect(() => packDay([entry(-1)])).toThrow(/instance number -1/);
  });

  it.each([
    ['not bytes', 'abc', /column packed: not bytes but string/],
    ['short of the header', Buffer.from([1, 1, 0]), /3 bytes, shorter than the 5-byte header/],
    ['an unknown format', Buffer.from([2, 0, 0, 0, 0]), /unknown packing format 2/],
    ['cut short', packDay([entry(1), entry(2)]).subarray(0, 20), /20 bytes for 2 instances \(expected 31\)/],
    ['too long', Buffer.concat([packDay([entry(1)]), Buffer.from([0])]), /19 bytes for 1 instances/],
    ['unknown flags', Buffer.from([...packDay([entry(1)]).subarray(0, 17), 4]), /unknown flags 4 at entry 0/],
  ])('a blob %s is a CorruptColumn', (_what, bytes, message) => {
    expect(() => unpackDay(bytes, 'packed')).toThrow(CorruptColumn);
    expect(() => unpackDay(bytes, 'packed')).toThrow(message);
  });
});
