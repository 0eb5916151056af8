/**
 * AWS's published service models (botocore's `service-2.json`) and the findings of checking values against
 * them. Every finding names the operation, the direction, the member path and the rule, so a discrepancy
 * reads as what to fix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A reference to a shape from a member, a list member, a map key or value. */
export interface ShapeRef {
  shape: string;
  locationName?: string;
  queryName?: string;
  flattened?: boolean;
  /** restXml: where the member travels (`uri`, `querystring`, `header`, `headers` for a prefix map); the body when absent. */
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
}

/** One shape of a model (the parts the contract reads). */
export interface Shape {
  type:
    | 'structure'
    | 'list'
    | 'map'
    | 'string'
    | 'integer'
    | 'long'
    | 'float'
    | 'double'
    | 'boolean'
    | 'timestamp'
    | 'blob';
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  flattened?: boolean;
  exception?: boolean;
  fault?: boolean;
  /** restXml: the member that is the whole body (a blob streams as raw bytes). */
  payload?: string;
  /** How a timestamp is written where it travels (`rfc822` in a header by default). */
  timestampFormat?: string;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
}

/** One operation: its input and output shapes and the errors it documents. */
export interface Operation {
  name: string;
  input?: ShapeRef;
  output?: ShapeRef & { resultWrapper?: string };
  errors?: ShapeRef[];
  documentation?: string;
  /** restXml: the request line, e.g. PUT `/{Bucket}/{Key+}`, and the success status when not 200. */
  http?: { method: string; requestUri: string; responseCode?: number };
}

/** A whole service model. */
export interface ServiceModel {
  metadata: {
    protocol: 'json' | 'ec2' | 'query' | 'rest-xml' | string;
    apiVersion: string;
    targetPrefix?: string;
    xmlNamespace?: string;
  };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

/** The services patchbot calls and the model version each speaks. */
export const MODEL_VERSIONS = { ssm: '2014-11-06', ec2: '2016-11-15', sts: '2011-06-15', s3: '2006-03-01' } as const;

/** A service patchbot calls. */
export type ServiceId = keyof typeof MODEL_VERSIONS;

/** Every service patchbot calls. */
export const SERVICES = Object.keys(MODEL_VERSIONS) as ServiceId[];

/** Reads `<dataDir>/<service>/<version>/service-2.json`. */
export function loadModel(dataDir: string, service: ServiceId): ServiceModel {
  return JSON.parse(
    readFileSync(join(dataDir, service, MODEL_VERSIONS[service], 'service-2.json'), 'utf8'),
  ) as ServiceModel;
}

/** Every service's model, read from `dataDir`. */
export function loadModels(dataDir: string): Record<ServiceId, ServiceModel> {
  return Object.fromEntries(SERVICES.map((s) => [s, loadModel(dataDir, s)])) as Record<ServiceId, ServiceModel>;
}

/** Which way a value travelled: what the gateway sent, what the simulator answered, or its error answer. */
export type Direction = 'request' | 'response' | 'error';

/** One way the wire and the model disagree. */
export interface Discrepancy {
  service: string;
  operation: string;
  direction: Direction;
  /** Member path in model names, e.g. `InstanceInformationList[3].PingStatus`. */
  path: string;
  /** The rule broken: `required`, `unknown member`, `type`, `min`, `max`, `pattern`, `enum`, `error code`, ... */
  rule: string;
  detail: string;
  /** For an unknown member: the structure and the member's name as sent (to tell a model too old from a wrong member). */
  unknown?: { shape: string; member: string };
}

/** One line for a test failure or a log: `ssm DescribeInstanceInformation response Foo[0].Bar: enum (...)`. */
export function describeDiscrepancy(d: Discrepancy): string {
  return `${d.service} ${d.operation} ${d.direction} ${d.path || '(root)'}: ${d.rule} (${d.detail})`;
}

/** Where a value is being checked. */
export interface Where {
  service: string;
  operation: string;
  direction: Direction;
}

/** Findings and counters of a contract run. */
export class ContractReport {
  readonly discrepancies: Discrepancy[] = [];
  /** Values (members, list items, map entries) checked against a shape. */
  membersChecked = 0;
  /** Strings whose shape has a pattern this JavaScript engine cannot compile: not checked, counted. */
  patternsUnchecked = 0;
  /** The patterns that could not be compiled, with the compiler's reason. */
  readonly uncompilable = new Map<string, string>();

  /** Records a discrepancy. */
  add(where: Where, path: string, rule: string, detail: string, unknown?: { shape: string; member: string }): void {
    this.discrepancies.push({ ...where, path, rule, detail, ...(unknown ? { unknown } : {}) });
  }
}
