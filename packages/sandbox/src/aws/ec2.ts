/**
 * EC2 over the ec2Query protocol: DescribeInstances, RebootInstances, CreateTags and DeleteTags,
 * with EC2's own error codes (InvalidInstanceID.NotFound, InvalidParameterCombination...) in EC2's
 * XML error shape.
 */
import { SimulatorError } from './errors';
import { queryString, queryStringList, queryStructList, type QueryStruct } from './protocol/query';
import { XmlMarkup, escapeXml, xmlDocument } from './protocol/xml';
import { applyReboot } from './fleet/compliance';
import { checkDryRun, EC2_NAMESPACE, type Ec2Context, invalidParameterValue, requireInstances } from './ec2-requests';
import { filterValues, globMatcher, isGlob, KNOWN_FILTERS } from './ec2-instance-view';
import { ITEM_BYTES_HINT, writeReservationItems } from './ec2-instance-xml';
import { Utf8Writer } from './protocol/utf8-writer';
import { byIds, type Candidates, pageInstances } from './instance-pages';
import type { Partition } from './partition';
import type { SimInstance } from './fleet/model';
import { createTags, deleteTags } from './ec2-tags';

export { EC2_NAMESPACE, type Ec2Context } from './ec2-requests';

type Ec2Handler = (ctx: Ec2Context, params: QueryStruct) => string | Buffer;

/** Where DescribeInstances' items go in its document: NUL, which no XML text can hold. */
const ITEMS_HERE = '\u0000';

/** EC2's XML error body. */
export function ec2ErrorBody(error: SimulatorError, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

/** Whether an instance passes one filter (any of its values). A tag filter reads the one tag: a page of 1,000 runs it 1,000 times. */
function filterTest(name: string, matches: Array<(value: string) => boolean>): (instance: SimInstance) => boolean {
  if (name.startsWith('tag:')) {
    const key = name.slice(4);
    return (instance) => {
      const value = instance.tags.get(key);
      return value !== undefined && matches.some((m) => m(value));
    };
  }
  return (instance) => {
    const have = filterValues(instance, name) ?? [];
    return matches.some((m) => have.some(m));
  };
}

/** DescribeInstances: by ids (never with MaxResults) or by filters, paged by MaxResults 5..1000. */
function describeInstances(ctx: Ec2Context, params: QueryStruct): Buffer {
  checkDryRun(params);
  const ids = queryStringList(params, 'InstanceId') ?? [];
  const maxResultsText = queryString(params, 'MaxResults');
  const nextToken = queryString(params, 'NextToken');
  if (ids.length > 0 && maxResultsText !== undefined) {
    throw new SimulatorError(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  let maxResults: number | undefined;
  if (maxResultsText !== undefined) {
    maxResults = Number(maxResultsText);
    if (!Number.isInteger(maxResults) || maxResults < 5 || maxResults > 1000) {
      throw invalidParameterValue(
        `Value ( ${maxResultsText} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
      );
    }
  }
  const filters = (queryStructList(params, 'Filter') ?? []).map((f) => {
    const name = queryString(f, 'Name');
    if (!name) throw new SimulatorError('MissingParameter', 'The request must contain the parameter Filter.Name');
    const values = queryStringList(f, 'Value') ?? [];
    return { name, values };
  });
  for (const f of filters) {
    if (!(f.name.startsWith('tag:') && f.name.length > 4) && !KNOWN_FILTERS.has(f.name))
      throw invalidParameterValue(`The filter '${f.name}' is invalid`);
  }
  const tests = filters.map((f) => filterTest(f.name, f.values.map(globMatcher)));
  const offers =
    ids.length > 0
      ? [
          byIds(
            ctx.partition,
            requireInstances(ctx.partition, ids).map((i) => i.id),
          ),
        ]
      : filters.map((f) => candidates(ctx.partition, f.name, f.values));
  const { MaxResults: _m, NextToken: _n, Action: _a, Version: _v, ...request } = params;
  const page = pageInstances(
    ctx.partition,
    offers,
    (instance) => tests.every((test) => test(instance)),
    maxResults ?? Number.POSITIVE_INFINITY,
    nextToken,
    { partitionKey: ctx.partition.key, operation: 'DescribeInstances', request },
    () => new SimulatorError('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.'),
  );
  // The document's own text around the items, which are written as bytes straight away (ec2-instance-xml.ts).
  const [before, after] = xmlDocument('DescribeInstancesResponse', EC2_NAMESPACE, {
    requestId: ctx.requestId,
    reservationSet: new XmlMarkup(ITEMS_HERE),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  }).split(ITEMS_HERE);
  const out = new Utf8Writer(page.items.length * ITEM_BYTES_HINT + 1024);
  out.write(before ?? '');
  writeReservationItems(out, page.items, ctx.partition.account);
  out.write(after ?? '');
  return out.bytes();
}

/**
 * The instances an index offers for one filter of exact values (undefined when none does):
 * `tag:K`, `instance-id`, and `instance-state-name` without `running` (the few stopped instances).
 */
function candidates(partition: Partition, name: string, values: string[]): Candidates {
  if (values.some(isGlob)) return undefined;
  if (name.startsWith('tag:')) return values.map((value) => partition.index.tagged(name.slice(4), value));
  if (name === 'instance-id') return byIds(partition, values);
  if (name === 'instance-state-name' && !values.includes('running')) return [partition.index.notRunning()];
  return undefined;
}

/** RebootInstances: finishes installs that wait for a reboot; SSM reports it at the next scan. */
function rebootInstances(ctx: Ec2Context, params: QueryStruct): string {
  checkDryRun(params);
  const ids = queryStringList(params, 'InstanceId') ?? [];
  if (ids.length === 0)
    throw new SimulatorError('MissingParameter', 'The request must contain the parameter InstanceId');
  const instances = requireInstances(ctx.partition, ids);
  const stopped = instances.find((i) => i.state !== 'running');
  if (stopped)
    throw new SimulatorError(
      'IncorrectState',
      `The instance '${stopped.id}' is not in a state from which it can be rebooted.`,
    );
  for (const instance of instances) applyReboot(instance);
  ctx.sim.journal.record(ctx.partition.key, 'RebootInstances', { instanceIds: instances.map((i) => i.id) });
  return xmlDocument('RebootInstancesResponse', EC2_NAMESPACE, { requestId: ctx.requestId, return: true });
}

/** Action name → handler. */
export const EC2_OPERATIONS: Readonly<Record<string, Ec2Handler>> = {
  DescribeInstances: describeInstances,
  RebootInstances: rebootInstances,
  CreateTags: createTags,
  DeleteTags: deleteTags,
};
