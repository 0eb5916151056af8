/**
 * From the wire to the model: one exchange (the request body the gateway sent, the answer the
 * simulator wrote) is decoded by its service's protocol into values named as the model names
 * them, and validated. awsJson (SSM) is JSON already; ec2Query and awsQuery requests are form
 * parameters whose names come from `queryName`/`locationName` with lists flattened (`Filter.1.Value.2`)
 * or under `member` (`PolicyArns.member.1`); XML answers name elements by `locationName` and list
 * items by the list member's `locationName` (default `member`). Anything that cannot be placed in
 * the model (an unknown parameter or element, a repeated element, text where a structure belongs) is
 * a discrepancy found while decoding.
 */
import {
  validateShape,
  type ContractReport,
  type ServiceId,
  type ServiceModel,
  type Shape,
  type ShapeRef,
  type Where,
} from './model';
import type { Exchange } from '@patchbot/sandbox/aws';
import { parseXml, type XmlElement } from './xml';

/** What the simulator's observer hands over for one AWS request. */
export type WireExchange = Exchange;

/**
 * Errors every AWS service may answer besides an operation's own (the "Common Errors" page of the
 * service API references, old and current versions): an error code outside both lists is not AWS's.
 */
export const COMMON_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'ExpiredTokenException',
  'IncompleteSignature',
  'InternalFailure',
  'InvalidAction',
  'InvalidClientTokenId',
  'InvalidParameterCombination',
  'InvalidParameterValue',
  'InvalidQueryParameter',
  'MalformedHttpRequestException',
  'MalformedQueryString',
  'MissingAction',
  'MissingAuthenticationToken',
  'MissingParameter',
  'NotAuthorized',
  'OptInRequired',
  'RequestAbortedException',
  'RequestEntityTooLargeException',
  'RequestExpired',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'ThrottlingException',
  'UnrecognizedClientException',
  'UnknownOperationException',
  'ValidationError',
  'ValidationException',
]);

/**
 * Codes the awsQuery services (STS) answer besides the common list: `AccessDenied` for an IAM
 * denial (the IAM User Guide's access-denied examples) and `Throttling`, which the SDK's own retry
 * strategy lists among throttling codes.
 */
export const QUERY_COMMON_ERRORS: ReadonlySet<string> = new Set(['AccessDenied', 'Throttling']);

/** Codes that mean IAM refused the call: wrong for an operation the model says needs no permission. */
const ACCESS_DENIED: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'NotAuthorized',
]);

/**
 * EC2's model lists no errors per operation; its API reference's "Error codes for the Amazon EC2
 * API" page does (common client errors, errors of the actions patchbot calls, server errors).
 */
export const EC2_ERROR_CODES: ReadonlySet<string> = new Set([
  'AuthFailure',
  'Blocked',
  'DryRunOperation',
  'IdempotentParameterMismatch',
  'IncompleteSignature',
  'InvalidAction',
  'InvalidCharacter',
  'InvalidClientTokenId',
  'InvalidPaginationToken',
  'InvalidParameter',
  'InvalidParameterCombination',
  'InvalidParameterDependency',
  'InvalidParameterValue',
  'InvalidQueryParameter',
  'MalformedQueryString',
  'MissingAction',
  'MissingAuthenticationToken',
  'MissingParameter',
  'OptInRequired',
  'PendingVerification',
  'RequestExpired',
  'UnauthorizedOperation',
  'UnknownParameter',
  'UnsupportedOperation',
  'UnsupportedProtocol',
  'ValidationError',
  'IncorrectState',
  'IncorrectInstanceState',
  'InvalidInstanceID',
  'InvalidInstanceID.Malformed',
  'InvalidInstanceID.NotFound',
  'TagLimitExceeded',
  'InvalidID',
  'InternalError',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'Unavailable',
]);

/** The models by service, and where the findings go. */
export interface WireContext {
  models: Record<ServiceId, ServiceModel>;
  report: ContractReport;
}

const isService = (s: string): s is ServiceId => s === 'ssm' || s === 'ec2' || s === 'sts';

/** Decodes and validates one exchange: its request always, its answer (if one was written) as a result or as an error. */
export function checkExchange(ctx: WireContext, x: WireExchange): void {
  const base = { service: x.service, operation: x.operation };
  if (!isService(x.service))
    return ctx.report.add({ ...base, direction: 'request' }, '', 'service', `no model for service ${x.service}`);
  const model = ctx.models[x.service];
  const op = model.operations[x.operation];
  if (!op)
    return ctx.report.add(
      { ...base, direction: 'request' },
      '',
      'operation',
      `${x.operation} is not an operation of ${x.service}`,
    );
  const protocol = model.metadata.protocol;
  const request: Where = { ...base, direction: 'request' };
  try {
    if (protocol === 'json') {
      const body = x.requestBody.trim() === '' ? {} : (JSON.parse(x.requestBody) as unknown);
      if (op.input)
        validateShape({ model, where: request, form: 'json', report: ctx.report }, op.input.shape, body, '');
    } else {
      decodeQueryRequest(ctx, model, x, request);
    }
  } catch (err) {
    ctx.report.add(request, '', 'decode', (err as Error).message);
  }
  // A connection dropped by a network fault carries no answer to judge.
  if (x.status === 0) return;
  const ok = x.status >= 200 && x.status < 300;
  const answer: Where = { ...base, direction: ok ? 'response' : 'error' };
  const type = Object.entries(x.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  const expectedType =
    protocol === 'json'
      ? `application/x-amz-json-${(model.metadata as { jsonVersion?: string }).jsonVersion ?? '1.1'}`
      : 'text/xml';
  if (!type.startsWith(expectedType))
    ctx.report.add(answer, '', 'content-type', `${type || '(none)'}, expected ${expectedType}`);
  try {
    if (!ok) checkError(ctx, model, x, answer);
    else if (protocol === 'json') {
      const body = x.responseBody.trim() === '' ? {} : (JSON.parse(x.responseBody) as unknown);
      if (op.output)
        validateShape({ model, where: answer, form: 'json', report: ctx.report }, op.output.shape, body, '');
      else if (JSON.stringify(body) !== '{}')
        ctx.report.add(
          answer,
          '',
          'unknown member',
          `${x.operation} has no output, got ${x.responseBody.slice(0, 80)}`,
        );
    } else {
      decodeXmlResponse(ctx, model, x, answer);
    }
  } catch (err) {
    ctx.report.add(answer, '', 'decode', (err as Error).message);
  }
}

// ---------------------------------------------------------------------------------------------
// Query requests (ec2Query, awsQuery)

interface ParamNode {
  value?: string;
  children: Map<string, ParamNode>;
}

function paramTree(body: string): ParamNode {
  const root: ParamNode = { children: new Map() };
  for (const [key, value] of new URLSearchParams(body)) {
    let node = root;
    for (const segment of key.split('.')) {
      let next = node.children.get(segment);
      if (!next) {
        next = { children: new Map() };
        node.children.set(segment, next);
      }
      node = next;
    }
    node.value = value;
  }
  return root;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function decodeQueryRequest(ctx: WireContext, model: ServiceModel, x: WireExchange, where: Where): void {
  const tree = paramTree(x.requestBody);
  const action = tree.children.get('Action')?.value;
  const version = tree.children.get('Version')?.value;
  if (action !== x.operation)
    ctx.report.add(where, 'Action', 'envelope', `Action ${action ?? '(none)'} for ${x.operation}`);
  if (version !== model.metadata.apiVersion)
    ctx.report.add(
      where,
      'Version',
      'envelope',
      `Version ${version ?? '(none)'}, expected ${model.metadata.apiVersion}`,
    );
  tree.children.delete('Action');
  tree.children.delete('Version');
  const input = model.operations[x.operation]?.input;
  if (!input) {
    for (const name of tree.children.keys())
      ctx.report.add(where, name, 'unknown member', `${x.operation} takes no input`);
    return;
  }
  const ec2 = model.metadata.protocol === 'ec2';
  const decoded = queryValue({ ctx, model, where, ec2 }, input.shape, tree, '');
  validateShape({ model, where, form: 'text', report: ctx.report }, input.shape, decoded, '');
}

interface QueryDecode {
  ctx: WireContext;
  model: ServiceModel;
  where: Where;
  ec2: boolean;
}

/** The parameter name of a member: ec2Query capitalizes `locationName`; awsQuery uses it as is. */
function queryMemberName(d: QueryDecode, name: string, ref: ShapeRef): string {
  if (d.ec2) return ref.queryName ?? capitalize(ref.locationName ?? name);
  return ref.locationName ?? name;
}

function numbered(d: QueryDecode, node: ParamNode, path: string): ParamNode[] {
  const items: ParamNode[] = [];
  for (const [segment, child] of node.children) {
    if (!/^[1-9]\d*$/.test(segment))
      d.ctx.report.add(
        d.where,
        `${path}.${segment}`,
        'unknown member',
        `list items are numbered from 1, got ${segment}`,
      );
    else items[Number(segment) - 1] = child;
  }
  for (let i = 0; i < items.length; i++) {
    if (!items[i])
      d.ctx.report.add(d.where, `${path}[${i}]`, 'list', `item ${i + 1} is missing: list numbers must run 1..N`);
  }
  return items.filter((n): n is ParamNode => n !== undefined);
}

function queryValue(d: QueryDecode, shapeName: string, node: ParamNode, path: string): unknown {
  const shape = d.model.shapes[shapeName] as Shape | undefined;
  if (!shape) return node.value;
  if (shape.type === 'structure') {
    if (node.value !== undefined && node.value !== '')
      d.ctx.report.add(d.where, path, 'type', `a value where structure ${shapeName} was expected`);
    const byWire = new Map(
      Object.entries(shape.members ?? {}).map(([name, ref]) => [queryMemberName(d, name, ref), [name, ref] as const]),
    );
    const out: Record<string, unknown> = {};
    for (const [segment, child] of node.children) {
      const member = byWire.get(segment);
      const childPath = path ? `${path}.${segment}` : segment;
      if (!member)
        d.ctx.report.add(d.where, childPath, 'unknown member', `${shapeName} has no member sent as ${segment}`, {
          shape: shapeName,
          member: segment,
        });
      else out[member[0]] = queryValue(d, member[1].shape, child, path ? `${path}.${member[0]}` : member[0]);
    }
    return out;
  }
  if (shape.type === 'list') {
    const member = shape.member as ShapeRef;
    // An empty list is sent as the bare name with an empty value.
    if (node.children.size === 0 && node.value === '') return [];
    let itemsNode = node;
    if (!d.ec2 && !shape.flattened) {
      const memberName = member.locationName ?? 'member';
      for (const segment of node.children.keys()) {
        if (segment !== memberName)
          d.ctx.report.add(d.where, `${path}.${segment}`, 'unknown member', `list items go under ${memberName}`);
      }
      itemsNode = node.children.get(memberName) ?? { children: new Map() };
    }
    return numbered(d, itemsNode, path).map((item, i) => queryValue(d, member.shape, item, `${path}[${i}]`));
  }
  if (shape.type === 'map') {
    const entriesNode = d.ec2 || shape.flattened ? node : (node.children.get('entry') ?? { children: new Map() });
    const out: Record<string, unknown> = {};
    const keyName = shape.key?.locationName ?? 'key';
    const valueName = shape.value?.locationName ?? 'value';
    numbered(d, entriesNode, path).forEach((entry, i) => {
      const key = entry.children.get(keyName)?.value;
      const value = entry.children.get(valueName);
      if (key === undefined || !value)
        d.ctx.report.add(d.where, `${path}[${i}]`, 'map', `entry without ${keyName} or ${valueName}`);
      else out[key] = queryValue(d, (shape.value as ShapeRef).shape, value, `${path}[${JSON.stringify(key)}]`);
    });
    return out;
  }
  if (node.children.size > 0)
    d.ctx.report.add(d.where, path, 'type', `nested parameters where ${shape.type} ${shapeName} was expected`);
  return node.value ?? '';
}

// ---------------------------------------------------------------------------------------------
// XML answers (ec2Query, awsQuery)

interface XmlDecode {
  ctx: WireContext;
  model: ServiceModel;
  where: Where;
}

const hasText = (el: XmlElement) => el.text.trim() !== '';

function xmlValue(d: XmlDecode, shapeName: string, el: XmlElement, path: string): unknown {
  const shape = d.model.shapes[shapeName] as Shape | undefined;
  if (!shape) return el.text;
  if (shape.type === 'structure') {
    if (hasText(el))
      d.ctx.report.add(
        d.where,
        path,
        'type',
        `text ${JSON.stringify(el.text.trim().slice(0, 40))} in structure ${shapeName}`,
      );
    return xmlStructure(d, shapeName, shape, el.children, path);
  }
  if (shape.type === 'list') {
    if (shape.flattened) {
      d.ctx.report.add(d.where, path, 'model', `flattened list ${shapeName} is not supported by the contract decoder`);
      return [];
    }
    const member = shape.member as ShapeRef;
    const itemName = member.locationName ?? 'member';
    if (hasText(el)) d.ctx.report.add(d.where, path, 'type', `text in list ${shapeName}`);
    const items: unknown[] = [];
    for (const child of el.children) {
      if (child.name !== itemName)
        d.ctx.report.add(
          d.where,
          `${path}.${child.name}`,
          'unknown member',
          `items of ${shapeName} are <${itemName}>, got <${child.name}>`,
        );
      else items.push(xmlValue(d, member.shape, child, `${path}[${items.length}]`));
    }
    return items;
  }
  if (shape.type === 'map') {
    const keyName = shape.key?.locationName ?? 'key';
    const valueName = shape.value?.locationName ?? 'value';
    const out: Record<string, unknown> = {};
    for (const entry of el.children) {
      const key = entry.children.find((c) => c.name === keyName);
      const value = entry.children.find((c) => c.name === valueName);
      if (entry.name !== 'entry' || !key || !value)
        d.ctx.report.add(
          d.where,
          `${path}.${entry.name}`,
          'map',
          `map entries are <entry><${keyName}/><${valueName}/></entry>`,
        );
      else out[key.text] = xmlValue(d, (shape.value as ShapeRef).shape, value, `${path}[${JSON.stringify(key.text)}]`);
    }
    return out;
  }
  if (el.children.length > 0) d.ctx.report.add(d.where, path, 'type', `elements inside ${shape.type} ${shapeName}`);
  return el.text;
}

function xmlStructure(
  d: XmlDecode,
  shapeName: string,
  shape: Shape,
  children: readonly XmlElement[],
  path: string,
  envelope: readonly string[] = [],
): Record<string, unknown> {
  const byWire = new Map(
    Object.entries(shape.members ?? {}).map(([name, ref]) => [ref.locationName ?? name, [name, ref] as const]),
  );
  const out: Record<string, unknown> = {};
  for (const child of children) {
    if (envelope.includes(child.name)) continue;
    const member = byWire.get(child.name);
    const childPath = path ? `${path}.${child.name}` : child.name;
    if (!member) {
      d.ctx.report.add(d.where, childPath, 'unknown member', `${shapeName} has no member written as <${child.name}>`, {
        shape: shapeName,
        member: capitalize(child.name),
      });
      continue;
    }
    const [name, ref] = member;
    if (out[name] !== undefined)
      d.ctx.report.add(d.where, childPath, 'repeated', `<${child.name}> appears more than once`);
    out[name] = xmlValue(d, ref.shape, child, path ? `${path}.${name}` : name);
  }
  return out;
}

function decodeXmlResponse(ctx: WireContext, model: ServiceModel, x: WireExchange, where: Where): void {
  const root = parseXml(x.responseBody);
  const d: XmlDecode = { ctx, model, where };
  const op = model.operations[x.operation];
  if (root.name !== `${x.operation}Response`)
    ctx.report.add(where, '', 'envelope', `root <${root.name}>, expected <${x.operation}Response>`);
  const namespace = root.attributes['xmlns'] ?? '';
  if (model.metadata.xmlNamespace && namespace.replace(/\/$/, '') !== model.metadata.xmlNamespace.replace(/\/$/, '')) {
    ctx.report.add(
      where,
      '',
      'envelope',
      `namespace ${namespace || '(none)'}, expected ${model.metadata.xmlNamespace}`,
    );
  }
  const output = op?.output;
  if (model.metadata.protocol === 'ec2') {
    // EC2 puts requestId beside the output's members; an action without output answers <return>true</return>.
    if (!root.children.some((c) => c.name === 'requestId'))
      ctx.report.add(where, 'requestId', 'envelope', 'EC2 answers carry <requestId>');
    if (!output) {
      for (const c of root.children) {
        if (c.name === 'requestId') continue;
        if (c.name === 'return' && c.children.length === 0 && c.text === 'true') continue;
        ctx.report.add(where, c.name, 'unknown member', `${x.operation} has no output, got <${c.name}>`);
      }
      return;
    }
    const shape = model.shapes[output.shape] as Shape;
    const value = xmlStructure(d, output.shape, shape, root.children, '', ['requestId']);
    validateShape({ model, where, form: 'text', report: ctx.report }, output.shape, value, '');
    return;
  }
  // awsQuery: <XResponse><XResult>members</XResult><ResponseMetadata><RequestId/></ResponseMetadata></XResponse>
  const wrapper = output?.resultWrapper;
  for (const c of root.children) {
    if (c.name === 'ResponseMetadata') {
      if (!c.children.some((m) => m.name === 'RequestId'))
        ctx.report.add(where, 'ResponseMetadata', 'envelope', 'no <RequestId>');
    } else if (c.name !== wrapper) ctx.report.add(where, c.name, 'unknown member', `<${c.name}> in <${root.name}>`);
  }
  if (!root.children.some((c) => c.name === 'ResponseMetadata'))
    ctx.report.add(where, '', 'envelope', 'no <ResponseMetadata>');
  if (!output) return;
  const result = root.children.find((c) => c.name === wrapper);
  const shape = model.shapes[output.shape] as Shape;
  const value = result ? xmlStructure(d, output.shape, shape, result.children, '') : {};
  validateShape({ model, where, form: 'text', report: ctx.report }, output.shape, value, '');
}

// ---------------------------------------------------------------------------------------------
// Error answers

/** The error codes an operation documents: the shape's `error.code` where the model gives one, else its name. */
export function operationErrorCodes(model: ServiceModel, operation: string): Set<string> {
  const refs = model.operations[operation]?.errors ?? [];
  return new Set(refs.map((r) => model.shapes[r.shape]?.error?.code ?? r.shape));
}

function checkError(ctx: WireContext, model: ServiceModel, x: WireExchange, where: Where): void {
  let code: string | undefined;
  let message: string | undefined;
  const protocol = model.metadata.protocol;
  if (protocol === 'json') {
    const body = JSON.parse(x.responseBody) as Record<string, unknown>;
    const type = typeof body['__type'] === 'string' ? (body['__type'] as string) : undefined;
    // awsJson allows a namespace prefix (`com.amazonaws.ssm#InvalidNextToken`); the code is after '#'.
    code = type?.slice(type.indexOf('#') + 1);
    const m = body['message'] ?? body['Message'];
    message = typeof m === 'string' ? m : undefined;
  } else {
    const root = parseXml(x.responseBody);
    const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);
    const error = protocol === 'ec2' ? child(child(root, 'Errors'), 'Error') : child(root, 'Error');
    const expectedRoot = protocol === 'ec2' ? 'Response' : 'ErrorResponse';
    if (root.name !== expectedRoot)
      ctx.report.add(where, '', 'envelope', `root <${root.name}>, expected <${expectedRoot}>`);
    if (!child(root, protocol === 'ec2' ? 'RequestID' : 'RequestId'))
      ctx.report.add(where, '', 'envelope', 'no request id');
    if (protocol === 'query') {
      const type = child(error, 'Type')?.text;
      if (type !== 'Sender' && type !== 'Receiver')
        ctx.report.add(where, 'Error.Type', 'envelope', `Type ${type ?? '(none)'}, expected Sender or Receiver`);
    }
    code = child(error, 'Code')?.text;
    message = child(error, 'Message')?.text;
  }
  if (!code) return ctx.report.add(where, '', 'error code', `no error code in ${x.responseBody.slice(0, 120)}`);
  if (message === undefined) ctx.report.add(where, '', 'error message', `${code} without a message`);
  const known =
    protocol === 'ec2'
      ? EC2_ERROR_CODES.has(code)
      : operationErrorCodes(model, x.operation).has(code) ||
        COMMON_ERRORS.has(code) ||
        (protocol === 'query' && QUERY_COMMON_ERRORS.has(code));
  if (!known)
    ctx.report.add(where, '', 'error code', `${code} is neither an error of ${x.operation} nor a common error`);
  // GetCallerIdentity: "No permissions are required to perform this operation" (its model documentation).
  const doc = model.operations[x.operation]?.documentation ?? '';
  if (ACCESS_DENIED.has(code) && /No permissions are required to perform this operation/.test(doc)) {
    ctx.report.add(
      where,
      '',
      'error code',
      `${code} for ${x.operation}, which the model says needs no permission (an explicit deny does not stop it)`,
    );
  }
  const shape = model.shapes[code];
  const expectedStatus = shape?.error?.httpStatusCode;
  if (expectedStatus !== undefined && expectedStatus !== x.status)
    ctx.report.add(where, '', 'http status', `${code} answered ${x.status}, the model says ${expectedStatus}`);
  if (shape?.exception && (shape.fault ? x.status < 500 : x.status >= 500)) {
    ctx.report.add(
      where,
      '',
      'http status',
      `${code} is a ${shape.fault ? 'server' : 'client'} error, answered ${x.status}`,
    );
  }
}
