/** Modals opened through views.open and changed through views.update or a submission's answer. */
import { createHash } from 'node:crypto';
import type { Clock } from '../shared/clock';
import { slackId } from './ids';
import type { JsonObject, ModalRecord } from './types';

/** The open and closed modals of the workspace. */
export class ModalStore {
  private readonly modals = new Map<string, ModalRecord>();
  private revisions = 0;

  constructor(private readonly clock: Clock) {}

  /** Opens a modal for `user`; returns a copy. */
  open(user: string, triggerId: string, view: JsonObject): ModalRecord {
    const id = slackId('V', 10);
    const record: ModalRecord = {
      id,
      user,
      triggerId,
      view: structuredClone(view),
      hash: this.hash(view),
      state: 'open',
      openedAt: this.clock.now(),
      history: [structuredClone(view)],
    };
    this.modals.set(id, record);
    return structuredClone(record);
  }

  /** A copy of a modal by view id or external id. */
  get(idOrExternal: string): ModalRecord | undefined {
    const m = this.find(idOrExternal);
    return m ? structuredClone(m) : undefined;
  }

  /** Replaces a modal's view; returns the new copy, or undefined when there is no such modal. */
  update(idOrExternal: string, view: JsonObject): ModalRecord | undefined {
    const m = this.find(idOrExternal);
    if (!m) return undefined;
    m.view = structuredClone(view);
    m.hash = this.hash(view);
    m.history.push(structuredClone(view));
    delete m.errors;
    return structuredClone(m);
  }

  /** Marks a modal submitted, closed, or open with field errors. */
  settle(id: string, state: ModalRecord['state'], errors?: Record<string, string>): void {
    const m = this.modals.get(id);
    if (!m) return;
    m.state = state;
    if (errors) m.errors = { ...errors };
    else delete m.errors;
  }

  /** All modals, oldest first. */
  list(): ModalRecord[] {
    return [...this.modals.values()].map((m) => structuredClone(m));
  }

  /** Forgets every modal. */
  clear(): void {
    this.modals.clear();
  }

  private find(idOrExternal: string): ModalRecord | undefined {
    return this.modals.get(idOrExternal) ?? [...this.modals.values()].find((m) => m.view.external_id === idOrExternal);
  }

  private hash(view: JsonObject): string {
    const digest = createHash('sha1')
      .update(JSON.stringify(view))
      .update(String(++this.revisions))
      .digest('hex');
    return `${Math.floor(this.clock.now().getTime() / 1000)}.${digest.slice(0, 8)}`;
  }
}
