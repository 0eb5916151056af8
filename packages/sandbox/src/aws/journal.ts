/**
 * The simulator's record of calls that change something (SendCommand, RebootInstances, CreateTags,
 * DeleteTags, CancelCommand, UpdatePatchBaseline), with what each one asked for, so a test can read
 * exactly what a client sent and what it reached. Bounded: the oldest entries are dropped first.
 */

/** One change request as the simulator received and applied it. */
export interface JournalEntry {
  /** Order of arrival, from 1. */
  seq: number;
  partition: string;
  operation: string;
  detail: Record<string, unknown>;
}

/** How many entries are kept. */
const CAPACITY = 5_000;

/** Change requests in arrival order. */
export class ChangeJournal {
  private entries: JournalEntry[] = [];
  private seq = 0;

  /** Records one applied change request. */
  record(partition: string, operation: string, detail: Record<string, unknown>): void {
    this.entries.push({ seq: ++this.seq, partition, operation, detail });
    if (this.entries.length > CAPACITY) this.entries.splice(0, this.entries.length - CAPACITY);
  }

  /** The entries kept, optionally only those of one operation. */
  list(operation?: string): JournalEntry[] {
    return operation === undefined ? [...this.entries] : this.entries.filter((e) => e.operation === operation);
  }

  /** Forgets everything (on reset). */
  clear(): void {
    this.entries = [];
  }
}
