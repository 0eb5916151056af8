/** What a fault case is and what it reports. */
import type { World } from './world';

/** A case's figures, printed in order on its line. */
export type Figures = Record<string, string | number | boolean>;

/** What a case found. */
export interface Outcome {
  figures: Figures;
  /** Every expectation that did not hold, in words; empty when the case passed. */
  failures: string[];
  /** Set when the case could not be run on this branch (counted apart, never as passed). */
  notInstrumented?: string;
}

/** What a clean change ends with: the card's headline and the first line of its result thread. */
export interface Reference {
  result: string;
  threadHead: string | undefined;
}

/** Shared across cases of one run. */
export interface RunContext {
  quick: boolean;
  /** How long the Slack outage case keeps Slack unreachable. */
  outageSeconds: number;
  /** How many texts the fuzz case sends. */
  fuzzCount: number;
  seed: number;
  /** The clean run's result for a change kind, learnt once (from its clean case, or a clean run of its own). */
  reference(kind: 'install' | 'reboot'): Promise<Reference>;
  remember(kind: 'install' | 'reboot', reference: Reference): void;
}

/** One fault case. */
export interface FaultCase {
  name: string;
  /** One sentence: what is done and what is expected. */
  what: string;
  /** Part of `--quick`. */
  quick: boolean;
  run(w: World, ctx: RunContext): Promise<Outcome>;
}

/** Collects expectations. */
export class Expect {
  readonly failures: string[] = [];
  that(ok: boolean, failure: string): this {
    if (!ok) this.failures.push(failure);
    return this;
  }
}
