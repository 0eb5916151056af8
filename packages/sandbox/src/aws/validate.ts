/**
 * Readers for JSON request members that enforce the API model's rules (type, required, length,
 * range) with AWS's wording, so a client bug that AWS would reject is rejected here too.
 */
import { SimulatorError, constraintMessage, validationException } from './errors';

/** A decoded JSON request body. */
export type Input = Record<string, unknown>;

/** AWS names members in camelCase inside validation messages ('maxResults'). */
export function memberPath(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function serialization(member: string, expected: string): SimulatorError {
  return new SimulatorError('SerializationException', `Unexpected value for member '${member}': expected ${expected}`);
}

/** The body must be a JSON object; anything else is a serialization error, as on AWS. */
export function asInput(body: unknown): Input {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new SimulatorError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return body as Input;
}

/** Throws AWS's "must not be null" for a missing required member. */
export function missing(member: string): SimulatorError {
  return validationException(constraintMessage(memberPath(member), undefined, 'Member must not be null'));
}

/** An optional string member with optional length limits. */
export function optString(
  input: Input,
  member: string,
  limits: { min?: number; max?: number } = {},
): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serialization(member, 'a string');
  checkLength(member, value, value.length, limits);
  return value;
}

/** A required string member. */
export function reqString(input: Input, member: string, limits: { min?: number; max?: number } = {}): string {
  const value = optString(input, member, limits);
  if (value === undefined) throw missing(member);
  return value;
}

/** An optional integer member; `min`/`max` give AWS's range error. */
export function optInt(input: Input, member: string, range: { min?: number; max?: number } = {}): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw serialization(member, 'an integer');
  if (range.min !== undefined && value < range.min) {
    throw validationException(
      constraintMessage(memberPath(member), value, `Member must have value greater than or equal to ${range.min}`),
    );
  }
  if (range.max !== undefined && value > range.max) {
    throw validationException(
      constraintMessage(memberPath(member), value, `Member must have value less than or equal to ${range.max}`),
    );
  }
  return value;
}

/** An optional boolean member. */
export function optBool(input: Input, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw serialization(member, 'a boolean');
  return value;
}

/** An optional list member; each item is read by `item`, the list length is checked. */
export function optList<T>(
  input: Input,
  member: string,
  item: (value: unknown, index: number) => T,
  limits: { min?: number; max?: number } = {},
): T[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw serialization(member, 'a list');
  checkLength(member, value, value.length, limits);
  return value.map(item);
}

/** Reads a list item that must be a string. */
export function stringItem(member: string, limits: { min?: number; max?: number } = {}) {
  return (value: unknown): string => {
    if (typeof value !== 'string') throw serialization(member, 'a list of strings');
    checkLength(`${member}.member`, value, value.length, limits);
    return value;
  };
}

/** Reads a list item that must be a JSON object. */
export function structItem(member: string) {
  return (value: unknown): Input => {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw serialization(member, 'a list of structures');
    return value as Input;
  };
}

/** An optional map of string lists (SendCommand Parameters). */
export function optStringListMap(input: Input, member: string): Record<string, string[]> | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw serialization(member, 'a map');
  const out: Record<string, string[]> = {};
  for (const [key, list] of Object.entries(value as Record<string, unknown>)) {
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string'))
      throw serialization(member, 'a map of string lists');
    out[key] = list as string[];
  }
  return out;
}

function checkLength(member: string, value: unknown, length: number, limits: { min?: number; max?: number }): void {
  if (limits.min !== undefined && length < limits.min) {
    throw validationException(
      constraintMessage(memberPath(member), value, `Member must have length greater than or equal to ${limits.min}`),
    );
  }
  if (limits.max !== undefined && length > limits.max) {
    throw validationException(
      constraintMessage(memberPath(member), value, `Member must have length less than or equal to ${limits.max}`),
    );
  }
}

/** Checks a string against a pattern with AWS's wording. */
export function checkPattern(member: string, value: string, pattern: RegExp): void {
  if (!pattern.test(value)) {
    throw validationException(
      constraintMessage(memberPath(member), value, `Member must satisfy regular expression pattern: ${pattern.source}`),
    );
  }
}

/** Checks that a value is one of an enum's members with AWS's wording. */
export function checkEnum(member: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) {
    throw validationException(
      constraintMessage(memberPath(member), value, `Member must satisfy enum value set: [${allowed.join(', ')}]`),
    );
  }
}
