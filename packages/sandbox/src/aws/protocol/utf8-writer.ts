/**
 * Text appended as UTF-8 into one growing buffer: a large answer (a DescribeInstances page of 1,000
 * instances is 1.4 MB) is encoded piece by piece as it is written, instead of its pieces being
 * joined into one string and that string encoded again. Large buffers are lent from a small pool
 * and given back once the answer is on the socket (`giveBack`): a fresh 2 MB buffer per page is
 * memory outside V8's heap that its collector counts, and at 100,000 instances that count started
 * a full marking of the simulator's 450 MB heap every few dozen pages (docs/benchmarks.md).
 */
export class Utf8Writer {
  private buffer: Buffer;
  private length = 0;

  /** `sizeHint`: the bytes expected; the buffer grows past it when needed. */
  constructor(sizeHint: number) {
    this.buffer = take(Math.max(1024, sizeHint));
  }

  /** Appends `text` encoded as UTF-8. */
  write(text: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8: with that much room nothing is cut short.
    const room = text.length * 3;
    if (this.length + room > this.buffer.length) {
      const next = take(Math.max(this.buffer.length * 2, this.length + room));
      this.buffer.copy(next, 0, 0, this.length);
      release(this.buffer.buffer as ArrayBuffer);
      this.buffer = next;
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** The bytes written so far (a view, not a copy): hand them to `giveBack` once they are sent. */
  bytes(): Buffer {
    const view = this.buffer.subarray(0, this.length);
    const loan = lent.get(this.buffer.buffer as ArrayBuffer);
    if (loan !== undefined) views.set(view, loan);
    return view;
  }
}

/** Below this an answer's buffer is allocated per answer (the smallest from Node's own shared slab), not pooled. */
const POOLED_FROM = 64 * 1024;
/** Spare buffers kept: one per answer being written at once is plenty for the simulator. */
const SPARES = 4;
const spares: Buffer[] = [];
let loans = 0;
/** Each pooled buffer's memory lent and not yet given back, with the number of its loan. */
const lent = new Map<ArrayBuffer, number>();
/** The loan each view handed out by `bytes()` belongs to: a view of an earlier loan gives nothing back. */
const views = new WeakMap<Buffer, number>();

function take(size: number): Buffer {
  if (size < POOLED_FROM) return Buffer.allocUnsafe(size);
  const at = spares.findIndex((b) => b.length >= size);
  const buffer = at >= 0 ? (spares.splice(at, 1)[0] as Buffer) : Buffer.allocUnsafeSlow(size);
  lent.set(buffer.buffer as ArrayBuffer, ++loans);
  return buffer;
}

/** Ends the loan of `memory`, if it is lent, and keeps it as a spare while there is room. */
function release(memory: ArrayBuffer): void {
  if (!lent.delete(memory)) return;
  if (spares.length < SPARES) spares.push(Buffer.from(memory));
}

/**
 * Returns the buffer behind `bytes`, a writer's answer, to the pool, once; anything else is left
 * alone. Only call it when nothing reads `bytes` any more (the socket has written them).
 */
export function giveBack(bytes: Buffer): void {
  const memory = bytes.buffer as ArrayBuffer;
  const loan = views.get(bytes);
  if (loan === undefined || lent.get(memory) !== loan) return;
  views.delete(bytes);
  release(memory);
}
