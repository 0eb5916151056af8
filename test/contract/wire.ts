/**
 * From the wire to the model: one exchange (the request body the gateway sent, the answer the
 * simulator wrote) is decoded by its service's protocol into values named as the model names
 * them, and validated. awsJson (SSM) is JSON already; ec2Query and awsQuery requests are form
 * parameters whose names come from `queryName`/`locationName` with lists flattened (`Filter.1.Value.2`)
 * or under `member` (`PolicyArns.member.1`); XML answers name elements by `locationName` and list
 * items by the list member's `locationName` (default `member`); restXml (S3) binds members to the
 * path, query and headers (wire-rest.ts). Anything that cannot be placed in
 * the model (an unknown parameter or element, a repeated element, text where a structure belongs) is
 * a discrepancy found while decoding.
 */
import type { ContractReport, ServiceId, ServiceModel, Where } from './model';
import { validateShape } from './validate';
import type { Exchange } from '@patchbot/sandbox/aws';
import { decodeQueryRequest } from './wire-query';
import { decodeXmlResponse } from './wire-xml';
import { checkError } from './wire-errors';
import { decodeRestRequest, decodeRestResponse } from './wire-rest';

/** What the simulator's observer hands over for one AWS request. */
export type WireExchange = Exchange;

/** The models by service (a service without one is a finding), and where the findings go. */
export interface WireContext {
  models: Partial<Record<ServiceId, ServiceModel>>;
  report: ContractReport;
}

/** Decodes and validates one exchange: its request always, its answer (if one was written) as a result or as an error. */
export function checkExchange(ctx: WireContext, x: WireExchange): void {
  const base = { service: x.service, operation: x.operation };
  const model = Object.hasOwn(ctx.models, x.service) ? ctx.models[x.service as ServiceId] : undefined;
  if (!model)
    return ctx.report.add({ ...base, direction: 'request' }, '', 'service', `no model for service ${x.service}`);
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
    } else if (protocol === 'rest-xml') {
      decodeRestRequest(ctx, model, x, request);
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
      : protocol === 'rest-xml'
        ? 'application/xml'
        : 'text/xml';
  // A restXml success is judged by its members: its body may be none (PutObject) or the object's own bytes.
  const typed = protocol !== 'rest-xml' || !ok;
  if (typed && !type.startsWith(expectedType))
    ctx.report.add(answer, '', 'content-type', `${type || '(none)'}, expected ${expectedType}`);
  try {
    if (!ok) checkError(ctx, model, x, answer);
    else if (protocol === 'rest-xml') decodeRestResponse(ctx, model, x, answer);
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
