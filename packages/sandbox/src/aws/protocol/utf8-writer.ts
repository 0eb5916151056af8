/**
 * Text appended as UTF-8 into one growing buffer: a large answer (a DescribeInstances page of 1,000
 * instances is 1.4 MB) is encoded piece by piece as it is written, instead of its pieces being
 * joined into one string and that string encoded again.
 */
export class Utf8Writer {
  private buffer: Buffer;
  private length = 0;

  /** `sizeHint`: the bytes expected; the buffer grows past it when needed. */
  constructor(sizeHint: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(1024, sizeHint));
  }

  /** Appends `text` encoded as UTF-8. */
  write(text: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8: with that much room nothing is cut short.
    const room = text.length * 3;
    if (this.length + room > this.buffer.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + room));
      this.buffer.copy(next, 0, 0, this.length);
      this.buffer = next;
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}
