/** What every EC2 handler shares: the request context, EC2's namespace, and the DryRun and instance-id checks. */
import type { Simulator } from './simulator';
import type { Partition } from './partition';
import { SimulatorError } from './errors';
import { queryString, type QueryStruct } from './protocol/query';
import type { SimInstance } from './fleet/model';

/** The namespace of EC2's 2016-11-15 API. */
export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** Where and when an EC2 request runs. */
export interface Ec2Context {
  sim: Simulator;
  partition: Partition;
  now: number;
  requestId: string;
}

/** EC2's InvalidParameterValue error with the given message. */
export function invalidParameterValue(message: string): SimulatorError {
  return new SimulatorError('InvalidParameterValue', message);
}

function checkIds(ids: string[]): void {
  const malformed = ids.find((id) => !INSTANCE_ID.test(id));
  if (malformed !== undefined) throw new SimulatorError('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`);
}

/** The instances of the given ids, deduplicated; a malformed or unknown id fails the call as EC2 does. */
export function requireInstances(partition: Partition, ids: string[]): SimInstance[] {
  checkIds(ids);
  const unknown = ids.filter((id) => !partition.instances.has(id));
  if (unknown.length === 1)
    throw new SimulatorError('InvalidInstanceID.NotFound', `The instance ID '${unknown[0]}' does not exist`);
  if (unknown.length > 1)
    throw new SimulatorError('InvalidInstanceID.NotFound', `The instance IDs '${unknown.join(', ')}' do not exist`);
  return [...new Set(ids)].map((id) => partition.instances.get(id) as SimInstance);
}

/** Fails the call with DryRunOperation when DryRun is true (the request would have succeeded). */
export function checkDryRun(params: QueryStruct): void {
  if (queryString(params, 'DryRun') === 'true') {
    throw new SimulatorError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  }
}
