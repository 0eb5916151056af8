/** The simulator's growing UTF-8 buffer: what it returns is exactly the text's encoding, however it grew. */
import { Utf8Writer } from '@patchbot/sandbox/aws/protocol/utf8-writer';

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
});
