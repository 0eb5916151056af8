/**
 * restXml (S3) from the wire to the model: the operation's `http` trait says the method and the
 * path template (`/{Bucket}/{Key+}`, path-style, with any literal query such as `?uploads`); input
 * members travel in the path (`location: uri`), the query (`querystring`), headers (`header`, or
 * `headers` for a prefix map such as `x-amz-meta-`) or the body (the `payload` member). Answers
 * carry their members in headers and, for a few operations, an XML body. What cannot be placed is
 * a discrepancy; the placed values are validated like every other protocol's.
 */
import type { ServiceModel, Shape, ShapeRef, Where } from './model';
import { validateShape } from './validate';
import type { WireContext, WireExchange } from './wire';

/**
 * Request headers that are no input member: SigV4 signing (`authorization`; `x-amz-date` the signing
 * time; `x-amz-security-token` the session token of assumed-role credentials; `x-amz-content-sha256`
 * the payload hash S3 requires in the signature), aws-chunked uploads (`x-amz-decoded-content-length`
 * the length before chunk framing, `x-amz-trailer` naming a trailing checksum) and the SDK's own
 * bookkeeping (`x-amz-user-agent`, `amz-sdk-invocation-id` and `amz-sdk-request` for retries). The
 * checksum headers (`x-amz-sdk-checksum-algorithm`, `x-amz-checksum-*`) are not here: the model
 * binds them to members, so they are checked there.
 */
export const SIGNING_AND_SDK_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'x-amz-decoded-content-length',
  'x-amz-trailer',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
]);

/** Answer headers that are no output member: S3's two request ids (the REST API's common response headers). */
export const S3_RESPONSE_HEADERS: ReadonlySet<string> = new Set(['x-amz-request-id', 'x-amz-id-2']);

/** Headers the contract judges: AWS's and the SDK's own; plain HTTP headers are judged only where a member binds them. */
const isAmzHeader = (name: string) => name.startsWith('x-amz-') || name.startsWith('amz-sdk-');

const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

interface RestDecode {
  ctx: WireContext;
  model: ServiceModel;
  where: Where;
}

const entriesOf = (shape: Shape | undefined) => Object.entries(shape?.members ?? {});

/** A header's text as the validator reads text: an HTTP date becomes ISO 8601 (headers default to rfc822). */
function headerValue(d: RestDecode, ref: ShapeRef, text: string): unknown {
  const shape = d.model.shapes[ref.shape];
  if (shape?.type === 'timestamp' && shape.timestampFormat !== 'iso8601' && HTTP_DATE.test(text))
    return new Date(text).toISOString();
  if (shape?.type === 'list') return text.split(',').map((s) => s.trim());
  return text;
}

/**
 * Places headers on the structure's header-bound members; an `x-amz-*` header nothing accounts for
 * is an unknown member named as sent (so an SDK newer than the model can be told from a wrong header).
 */
function placeHeaders(
  d: RestDecode,
  shapeName: string,
  headers: Record<string, string>,
  known: ReadonlySet<string>,
  out: Record<string, unknown>,
): void {
  const members = entriesOf(d.model.shapes[shapeName]);
  const single = new Map(
    members.filter(([, r]) => r.location === 'header').map(([n, r]) => [(r.locationName ?? n).toLowerCase(), [n, r]]),
  );
  const prefixed = members.filter(([, r]) => r.location === 'headers');
  for (const [raw, text] of Object.entries(headers)) {
    const name = raw.toLowerCase();
    const member = single.get(name) as [string, ShapeRef] | undefined;
    if (member) {
      out[member[0]] = headerValue(d, member[1], text);
      continue;
    }
    const map = prefixed.find(([, r]) => name.startsWith((r.locationName ?? '').toLowerCase()));
    if (map) {
      const entries = (out[map[0]] ?? {}) as Record<string, string>;
      entries[name.slice((map[1].locationName ?? '').length)] = text;
      out[map[0]] = entries;
      continue;
    }
    if (isAmzHeader(name) && !known.has(name))
      d.ctx.report.add(d.where, name, 'unknown member', `${shapeName} has no member sent as header ${name}`, {
        shape: shapeName,
        member: name,
      });
  }
}

/** Whether the structure's payload member is the raw body (a blob or a string), not an XML document. */
function isRawPayload(model: ServiceModel, shape: Shape | undefined, payload: string): boolean {
  const type = model.shapes[shape?.members?.[payload]?.shape ?? '']?.type;
  return type === 'blob' || type === 'string';
}

/** A raw body as the validator reads text: a blob's bytes in base64 (its form inside XML), a string as is. */
function asText(model: ServiceModel, shape: Shape | undefined, payload: string, body: string): string {
  const type = model.shapes[shape?.members?.[payload]?.shape ?? '']?.type;
  return type === 'blob' ? Buffer.from(body, 'utf8').toString('base64') : body;
}

/** The path template as a RegExp: `{Name}` is one segment, `{Name+}` the rest of the path. */
function pathPattern(template: string): { re: RegExp; labels: string[] } {
  const labels: string[] = [];
  const source = template.replace(/\{(\w+)(\+?)\}|[^{]+/g, (whole, label: string | undefined, greedy: string) => {
    if (!label) return whole.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    labels.push(label);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { re: new RegExp(`^${source}$`), labels };
}

/** Decodes a restXml request (path, query, headers; the body if it is a blob payload) and validates it. */
export function decodeRestRequest(ctx: WireContext, model: ServiceModel, x: WireExchange, where: Where): void {
  const d: RestDecode = { ctx, model, where };
  const op = model.operations[x.operation];
  const http = op?.http;
  if (!op || !http) return ctx.report.add(where, '', 'model', `${x.operation} has no http binding in the model`);
  if (x.method !== http.method)
    ctx.report.add(where, '', 'envelope', `${x.method} ${x.operation}, the model says ${http.method}`);
  const [template = '', literalQuery = ''] = http.requestUri.split('?');
  const [rawPath = '', rawQuery = ''] = x.path.split('?');
  const inputName = op.input?.shape;
  const input = inputName ? model.shapes[inputName] : undefined;
  const members = entriesOf(input);
  const out: Record<string, unknown> = {};

  const { re, labels } = pathPattern(template);
  const match = re.exec(rawPath);
  if (!match) ctx.report.add(where, '', 'envelope', `path ${rawPath} does not match ${template}`);
  else {
    labels.forEach((label, i) => {
      const member = members.find(([n, r]) => r.location === 'uri' && (r.locationName ?? n) === label);
      if (!member) ctx.report.add(where, label, 'model', `no member is bound to {${label}}`);
      else out[member[0]] = decodeURIComponent(match[i + 1] ?? '');
    });
  }

  // A literal query in the template (`?uploads`, `?x-id=PutObject`) must be sent as written.
  const literals = new URLSearchParams(literalQuery);
  const sent = new URLSearchParams(rawQuery);
  for (const [name, value] of literals) {
    if (sent.get(name) !== value)
      ctx.report.add(where, `?${name}`, 'envelope', `query ${name}=${value} of ${http.requestUri} was not sent`);
  }
  for (const [name, value] of sent) {
    if (literals.has(name)) continue;
    const member = members.find(([n, r]) => r.location === 'querystring' && (r.locationName ?? n) === name);
    if (member) {
      const list = model.shapes[member[1].shape]?.type === 'list';
      out[member[0]] = list ? [...((out[member[0]] as string[] | undefined) ?? []), value] : value;
    } else
      ctx.report.add(where, `?${name}`, 'unknown member', `${x.operation} has no query parameter ${name}`, {
        shape: x.operation,
        member: name,
      });
  }

  if (inputName) placeHeaders(d, inputName, x.requestHeaders, SIGNING_AND_SDK_HEADERS, out);

  const payload = input?.payload;
  if (payload && isRawPayload(model, input, payload)) {
    if (x.requestBody !== '') out[payload] = asText(model, input, payload, x.requestBody);
  } else if (x.requestBody !== '') {
    ctx.report.add(where, '', 'model', `XML request bodies (${x.operation}) are not decoded by the contract yet`);
  }
  if (inputName) validateShape({ model, where, form: 'text', report: ctx.report }, inputName, out, '');
}

/** Decodes a restXml success answer (status, header-bound members, the body) and validates it. */
export function decodeRestResponse(ctx: WireContext, model: ServiceModel, x: WireExchange, where: Where): void {
  const d: RestDecode = { ctx, model, where };
  const op = model.operations[x.operation];
  const expected = op?.http?.responseCode ?? 200;
  if (x.status !== expected)
    ctx.report.add(where, '', 'http status', `${x.operation} answered ${x.status}, the model says ${expected}`);
  const outputName = op?.output?.shape;
  const output = outputName ? model.shapes[outputName] : undefined;
  const out: Record<string, unknown> = {};
  if (outputName) placeHeaders(d, outputName, x.headers, S3_RESPONSE_HEADERS, out);
  else
    for (const name of Object.keys(x.headers).map((h) => h.toLowerCase()))
      if (isAmzHeader(name) && !S3_RESPONSE_HEADERS.has(name))
        ctx.report.add(where, name, 'unknown member', `${x.operation} has no output, got header ${name}`);

  const payload = output?.payload;
  const bodyMembers = entriesOf(output).filter(([, r]) => r.location === undefined);
  if (payload && isRawPayload(model, output, payload)) {
    if (x.responseBody !== '') out[payload] = asText(model, output, payload, x.responseBody);
  } else if (bodyMembers.length === 0) {
    if (x.responseBody.trim() !== '')
      ctx.report.add(
        where,
        '',
        'unknown member',
        `${x.operation} answers no body, got ${JSON.stringify(x.responseBody.slice(0, 80))}`,
      );
  } else if (x.responseBody.trim() !== '') {
    ctx.report.add(where, '', 'model', `XML answer bodies (${x.operation}) are not decoded by the contract yet`);
  }
  if (outputName) validateShape({ model, where, form: 'text', report: ctx.report }, outputName, out, '');
}
