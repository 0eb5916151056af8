/**
 * The simulator's growing UTF-8 buffer: what it returns is exactly the text's encoding, however it
 * grew, and a large answer's buffer is lent again only after it was given back, once.
 */
import { Utf8Writer, giveBack } from '@patchbot/sandbox/aws/protocol/utf8-writer';

describe('Utf8Writer', () => {
  it('returns the UTF-8 of everything written, growing past its hint without cutting a character', () => {
    const pieces = ['<value>', 'café ', 'ü'.repeat(700), ' 🚀 ', 'x'.repeat(3000), '</value>'];
    const out = new Utf8Writer(16);
    for (const piece of pieces) out.write(piece);
    expect(out.bytes().equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
  });

  it('returns nothing when nothing was written, and an empty write changes nothing', () => {
    const out = new Utf8Writer(0);
    expect(out.bytes().length).toBe(0);
    out.write('a');
    out.write('');
    expect(out.bytes().toString('utf8')).toBe('a');
  });

  const LARGE = 256 * 1024;
  const memoryOf = (out: Utf8Writer) => out.bytes().buffer;

  // The first test to lend large buffers, so the pool is still empty.
  it('lends a large buffer again only once it is given back', () => {
    const a = new Utf8Writer(LARGE);
    a.write('first answer');
    const b = new Utf8Writer(LARGE);
    expect(memoryOf(b)).not.toBe(memoryOf(a));
    const sent = a.bytes();
    giveBack(sent);
    const c = new Utf8Writer(LARGE);
    expect(memoryOf(c)).toBe(sent.buffer);
    // A second give-back of the same answer must not hand c's buffer to another writer.
    giveBack(sent);
    const d = new Utf8Writer(LARGE);
    expect(memoryOf(d)).not.toBe(memoryOf(c));
    for (const out of [b, c, d]) giveBack(out.bytes());
  });

  it('keeps bytes it did not lend out of the pool, even a copy of an answer', () => {
    const foreign = Buffer.allocUnsafeSlow(LARGE);
    giveBack(foreign);
    const a = new Utf8Writer(LARGE);
    expect(memoryOf(a)).not.toBe(foreign.buffer);
    // Another view of a lent buffer is not the answer: giving it back would free a buffer still being written.
    giveBack(Buffer.from(memoryOf(a)));
    expect(memoryOf(new Utf8Writer(LARGE))).not.toBe(memoryOf(a));
    giveBack(a.bytes());
  });

  it('gives back the buffer it outgrew, and the copy holds what was written before', () => {
    const out = new Utf8Writer(LARGE);
    const outgrown = memoryOf(out);
    out.write('a'.repeat(LARGE));
    out.write('b'.repeat(LARGE));
    expect(memoryOf(out)).not.toBe(outgrown);
    expect(out.bytes().toString('latin1')).toBe('a'.repeat(LARGE) + 'b'.repeat(LARGE));
    // The pool may hold buffers of the tests before: the outgrown one is among the next it lends.
    const next = Array.from({ length: 5 }, () => new Utf8Writer(LARGE));
    expect(next.map(memoryOf)).toContain(outgrown);
    for (const writer of [out, ...next]) giveBack(writer.bytes());
  });
});
