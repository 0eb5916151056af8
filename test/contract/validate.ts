/**
 * A validator of values against a service model's shapes: required and unknown members, list and map sizes,
 * string lengths, patterns and enums, number ranges, booleans, timestamps and blobs; each finding goes to the report.
 */
import type { ContractReport, ServiceModel, Shape, ShapeRef, Where } from './model';

const compiled = new Map<string, RegExp | string>();

/**
 * A model pattern as a JavaScript RegExp. Botocore's patterns use `\p{L}` and friends, so they are
 * compiled with the `u` flag (or without it when they use no `\p{…}` class and need Java's identity
 * escapes); what still cannot compile comes back as the reason.
 * Smithy's `@pattern` is not implicitly anchored, so the RegExp is used as written.
 */
export function compilePattern(pattern: string): RegExp | string {
  const known = compiled.get(pattern);
  if (known !== undefined) return known;
  // Without \p{…} classes a pattern means the same outside unicode mode, where Java-style identity
  // escapes such as `\-` outside a class are allowed (botocore's UUID patterns).
  const unicode = tryRegExp(pattern, 'u');
  const result = typeof unicode === 'string' && !/\\[pP]\{/.test(pattern) ? tryRegExp(pattern, '') : unicode;
  compiled.set(pattern, result);
  return result;
}

function tryRegExp(pattern: string, flags: string): RegExp | string {
  try {
    return new RegExp(pattern, flags);
  } catch (err) {
    return (err as Error).message;
  }
}

/** How scalars arrive: JSON values (awsJson), or element and parameter text (Query and XML). */
export type ScalarForm = 'json' | 'text';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^(NaN|Infinity|-Infinity)$/;
/** Epoch seconds after 2100-01-01: a timestamp in milliseconds would land here. */
const LATEST_EPOCH_SECONDS = 4_102_444_800;
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

const show = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** What a validation walk needs: the model, where we are, how scalars look and where findings go. */
export interface ValidationContext {
  model: ServiceModel;
  where: Where;
  form: ScalarForm;
  report: ContractReport;
}

/** Checks `value` against the shape named `shapeName`; `path` names it in findings. */
export function validateShape(ctx: ValidationContext, shapeName: string, value: unknown, path: string): void {
  const shape = ctx.model.shapes[shapeName];
  if (!shape) {
    ctx.report.add(ctx.where, path, 'model', `shape ${shapeName} is not in the model`);
    return;
  }
  ctx.report.membersChecked++;
  const fail = (rule: string, detail: string) => ctx.report.add(ctx.where, path, rule, detail);
  if (value === null) return fail('type', `null where ${shape.type} ${shapeName} was expected`);
  switch (shape.type) {
    case 'structure':
      return validateStructure(ctx, shapeName, shape, value, path);
    case 'list': {
      if (!Array.isArray(value)) return fail('type', `${show(value)} is not a list (${shapeName})`);
      checkSize(ctx, shape, value.length, path, 'items');
      value.forEach((item, i) => {
        validateShape(ctx, (shape.member as ShapeRef).shape, item, `${path}[${i}]`);
      });
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value))
        return fail('type', `${show(value)} is not a map (${shapeName})`);
      const entries = Object.entries(value as Record<string, unknown>);
      checkSize(ctx, shape, entries.length, path, 'entries');
      for (const [k, v] of entries) {
        validateShape(ctx, (shape.key as ShapeRef).shape, k, `${path}{key ${JSON.stringify(k)}}`);
        validateShape(ctx, (shape.value as ShapeRef).shape, v, `${path}[${JSON.stringify(k)}]`);
      }
      return;
    }
    case 'string':
      return validateString(ctx, shape, value, path);
    case 'integer':
    case 'long':
      return validateNumber(ctx, shapeName, shape, value, path, true);
    case 'float':
    case 'double':
      return validateNumber(ctx, shapeName, shape, value, path, false);
    case 'boolean':
      if (ctx.form === 'json' ? typeof value !== 'boolean' : value !== 'true' && value !== 'false')
        fail('type', `${show(value)} is not a boolean`);
      return;
    case 'timestamp':
      return validateTimestamp(ctx, value, path);
    case 'blob':
      if (typeof value !== 'string' || !BASE64.test(value)) fail('type', `${show(value)} is not base64 (blob)`);
      return;
    default:
      fail('model', `shape type ${String(shape.type)} is not supported by the validator`);
  }
}

function validateStructure(
  ctx: ValidationContext,
  shapeName: string,
  shape: Shape,
  value: unknown,
  path: string,
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.report.add(ctx.where, path, 'type', `${show(value)} is not a structure (${shapeName})`);
    return;
  }
  const record = value as Record<string, unknown>;
  const members = shape.members ?? {};
  for (const name of shape.required ?? []) {
    if (record[name] === undefined)
      ctx.report.add(ctx.where, join2(path, name), 'required', `${shapeName}.${name} is required and missing`);
  }
  for (const [name, member] of Object.entries(record)) {
    if (member === undefined) continue;
    const ref = members[name];
    if (!ref)
      ctx.report.add(ctx.where, join2(path, name), 'unknown member', `${shapeName} has no member ${name}`, {
        shape: shapeName,
        member: name,
      });
    else validateShape(ctx, ref.shape, member, join2(path, name));
  }
}

const join2 = (path: string, name: string) => (path ? `${path}.${name}` : name);

function checkSize(ctx: ValidationContext, shape: Shape, size: number, path: string, unit: string): void {
  if (shape.min !== undefined && size < shape.min)
    ctx.report.add(ctx.where, path, 'min', `${size} ${unit}, at least ${shape.min}`);
  if (shape.max !== undefined && size > shape.max)
    ctx.report.add(ctx.where, path, 'max', `${size} ${unit}, at most ${shape.max}`);
}

function validateString(ctx: ValidationContext, shape: Shape, value: unknown, path: string): void {
  if (typeof value !== 'string') {
    ctx.report.add(ctx.where, path, 'type', `${show(value)} is not a string`);
    return;
  }
  // Smithy measures string length in Unicode scalar values, not UTF-16 units.
  checkSize(ctx, shape, [...value].length, path, 'characters');
  if (shape.enum && !shape.enum.includes(value))
    ctx.report.add(ctx.where, path, 'enum', `${show(value)} is not one of ${shape.enum.join(', ')}`);
  if (shape.pattern !== undefined) {
    const re = compilePattern(shape.pattern);
    if (typeof re === 'string') {
      ctx.report.patternsUnchecked++;
      ctx.report.uncompilable.set(shape.pattern, re);
    } else if (!re.test(value)) {
      ctx.report.add(ctx.where, path, 'pattern', `${show(value)} does not match ${shape.pattern}`);
    }
  }
}

function validateNumber(
  ctx: ValidationContext,
  shapeName: string,
  shape: Shape,
  value: unknown,
  path: string,
  integral: boolean,
): void {
  let n: number;
  if (ctx.form === 'json') {
    if (typeof value !== 'number' || !Number.isFinite(value))
      return ctx.report.add(ctx.where, path, 'type', `${show(value)} is not a number (${shapeName})`);
    n = value;
  } else {
    if (typeof value !== 'string' || !(integral ? INTEGER_TEXT : NUMBER_TEXT).test(value)) {
      return ctx.report.add(
        ctx.where,
        path,
        'type',
        `${show(value)} is not ${integral ? 'an integer' : 'a number'} (${shapeName})`,
      );
    }
    n = Number(value);
  }
  if (integral && !Number.isInteger(n))
    return ctx.report.add(ctx.where, path, 'type', `${show(value)} is not an integer (${shapeName})`);
  if (shape.type === 'integer' && (n < INT32.min || n > INT32.max))
    ctx.report.add(ctx.where, path, 'type', `${n} does not fit a 32-bit integer`);
  if (shape.min !== undefined && n < shape.min) ctx.report.add(ctx.where, path, 'min', `${n}, at least ${shape.min}`);
  if (shape.max !== undefined && n > shape.max) ctx.report.add(ctx.where, path, 'max', `${n}, at most ${shape.max}`);
}

/** awsJson sends timestamps as epoch seconds (a number); the Query protocols as ISO 8601 text. */
function validateTimestamp(ctx: ValidationContext, value: unknown, path: string): void {
  if (ctx.form === 'json') {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      ctx.report.add(ctx.where, path, 'type', `${show(value)} is not epoch seconds (timestamp)`);
    } else if (value < 0 || value > LATEST_EPOCH_SECONDS) {
      ctx.report.add(ctx.where, path, 'type', `${value} is not plausible as epoch seconds (milliseconds?)`);
    }
    return;
  }
  if (typeof value !== 'string' || !ISO_8601.test(value) || Number.isNaN(Date.parse(value))) {
    ctx.report.add(ctx.where, path, 'type', `${show(value)} is not an ISO 8601 timestamp`);
  }
}
