/** Small checks shared by the config schema's refinements (zod superRefine callbacks). */
import type { z } from 'zod';

/** The context a superRefine callback gets, for adding issues. */
export type Ctx = z.core.$RefinementCtx<unknown>;

/** Runs a check even when other keys of the object failed, so every problem is reported at once. */
export const always = { when: () => true };

/** True for a plain object (not null, not an array). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** True for an array of strings only. */
export const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
/** The list without repeats, first occurrences kept in order. */
export const unique = <T>(list: T[]): T[] => [...new Set(list)];
