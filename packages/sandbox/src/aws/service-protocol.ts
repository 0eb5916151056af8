/** What every service behind the simulator's port implements: decode, run, and answer in its own wire shape. */
import type { Simulator } from './simulator';
import type { Partition } from './partition';
import type { SimulatorError } from './errors';
import type { WireResponse } from './protocol/json';

/** The request as it arrived, for protocols that read more than the body text (S3: method, path, bytes). */
export interface RawRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

/** The services the simulator speaks. */
export type ServiceName = 'ssm' | 'ec2' | 'sts' | 's3';

/** A decoded request, ready to run. */
export interface ParsedRequest {
  operation: string | undefined;
  run: (ctx: RunContext) => WireResponse;
}

/** What a service needs to run one request. */
export interface RunContext {
  sim: Simulator;
  partition: Partition;
  /** Epoch milliseconds after settling commands (0 for STS, which does not look at the fleet). */
  now: number;
  requestId: string;
  accessKeyId: string | undefined;
}

/** One service's protocol. */
export interface ServiceProtocol {
  /** Decodes the body; throws a SimulatorError for a malformed one. */
  parse(body: string, headers: Record<string, string | string[] | undefined>, request: RawRequest): ParsedRequest;
  error(error: SimulatorError, requestId: string): WireResponse;
  throttled(): SimulatorError;
  internal(): SimulatorError;
  /** The service's answer when IAM denies `action`. */
  accessDenied(action: string, account: string): SimulatorError;
  /** Whether handlers read the fleet (and so need commands settled first). */
  readsFleet: boolean;
}
