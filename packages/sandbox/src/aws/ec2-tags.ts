/** EC2's CreateTags and DeleteTags on simulated instances: tag reading, limits and the journal entries. */
import { SimulatorError } from './errors';
import { queryString, queryStringList, queryStructList, type QueryStruct } from './protocol/query';
import { xmlDocument } from './protocol/xml';
import type { SimInstance } from './fleet/model';
import { checkDryRun, EC2_NAMESPACE, type Ec2Context, invalidParameterValue, requireInstances } from './ec2-requests';

/** Tag.N.Key / Tag.N.Value as EC2 reads them; `requireValue` is false for DeleteTags, where a missing value deletes whatever the value is. */
function readTags(params: QueryStruct, requireValue: boolean): Array<{ key: string; value: string | undefined }> {
  const tags = (queryStructList(params, 'Tag') ?? []).map((t) => {
    const key = queryString(t, 'Key');
    if (key === undefined || key.length === 0)
      throw new SimulatorError('InvalidParameterValue', 'Tag key must not be empty.');
    if (key.length > 128)
      throw invalidParameterValue(`Tag key exceeds the maximum length of 128 characters: ${key.slice(0, 40)}…`);
    if (key.toLowerCase().startsWith('aws:'))
      throw invalidParameterValue(`Tag keys starting with 'aws:' are reserved for internal use`);
    const value = queryString(t, 'Value');
    if (value !== undefined && value.length > 256)
      throw invalidParameterValue(`Tag value exceeds the maximum length of 256 characters`);
    return { key, value: value ?? (requireValue ? '' : undefined) };
  });
  return tags;
}

/** Resource ids of a tagging call: instances only (the simulator models no other resource). */
function taggedInstances(ctx: Ec2Context, params: QueryStruct): SimInstance[] {
  const ids = queryStringList(params, 'ResourceId') ?? [];
  if (ids.length === 0)
    throw new SimulatorError('MissingParameter', 'The request must contain the parameter resourceIdSet');
  if (ids.length > 1000)
    throw invalidParameterValue(`The maximum number of resources per request is 1000; got ${ids.length}.`);
  return requireInstances(ctx.partition, ids);
}

export /** CreateTags: adds or overwrites tags on instances; at most 50 tags an instance, as on AWS. */
function createTags(ctx: Ec2Context, params: QueryStruct): string {
  checkDryRun(params);
  const instances = taggedInstances(ctx, params);
  const tags = readTags(params, true);
  if (tags.length === 0) throw new SimulatorError('MissingParameter', 'The request must contain the parameter Tag');
  for (const instance of instances) {
    const keys = new Set([...instance.tags.keys(), ...tags.map((t) => t.key)]);
    if (keys.size > 50)
      throw new SimulatorError(
        'TagLimitExceeded',
        `The maximum number of tags for resource '${instance.id}' has been reached.`,
      );
  }
  for (const instance of instances) for (const t of tags) ctx.partition.index.setTag(instance, t.key, t.value ?? '');
  ctx.sim.journal.record(ctx.partition.key, 'CreateTags', {
    resourceIds: instances.map((i) => i.id),
    tags: tags.map((t) => ({ key: t.key, value: t.value ?? '' })),
  });
  return xmlDocument('CreateTagsResponse', EC2_NAMESPACE, { requestId: ctx.requestId, return: true });
}

export /** DeleteTags: removes tags; with a value, only where the tag has that value; with no Tag, every tag (as on AWS). */
function deleteTags(ctx: Ec2Context, params: QueryStruct): string {
  checkDryRun(params);
  const instances = taggedInstances(ctx, params);
  const tags = readTags(params, false);
  for (const instance of instances) {
    if (tags.length === 0) {
      ctx.partition.index.clearTags(instance);
      continue;
    }
    for (const t of tags)
      if (t.value === undefined || instance.tags.get(t.key) === t.value) ctx.partition.index.deleteTag(instance, t.key);
  }
  ctx.sim.journal.record(ctx.partition.key, 'DeleteTags', {
    resourceIds: instances.map((i) => i.id),
    tags: tags.map((t) => ({ key: t.key, value: t.value })),
  });
  return xmlDocument('DeleteTagsResponse', EC2_NAMESPACE, { requestId: ctx.requestId, return: true });
}
