/**
 * The three AWS services behind the one endpoint, each with its protocol: how to find the
 * operation, run it, and render success and errors (including the throttling and internal errors
 * the fault knobs inject) in that service's wire shape.
 */
import type { Simulator } from './simulator';
import type { Partition } from './partition';
import { SimulatorError } from './errors';
import { JSON_CONTENT_TYPE, jsonError, jsonResponse, operationFromTarget, type WireResponse } from './protocol/json';
import { parseQuery, queryString, type QueryStruct } from './protocol/query';
import { asInput } from './validate';
import { SSM_OPERATIONS } from './ssm';
import { checkPaging } from './ssm/common';
import { EC2_OPERATIONS, ec2ErrorBody } from './ec2';
import { STS_OPERATIONS, stsErrorBody } from './sts';

/** The services the simulator speaks. */
export type ServiceName = 'ssm' | 'ec2' | 'sts';

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
  parse(body: string, headers: Record<string, string | string[] | undefined>): ParsedRequest;
  error(error: SimulatorError, requestId: string): WireResponse;
  throttled(): SimulatorError;
  internal(): SimulatorError;
  /** The service's answer when IAM denies `action`. */
  accessDenied(action: string, account: string): SimulatorError;
  /** Whether handlers read the fleet (and so need commands settled first). */
  readsFleet: boolean;
}

const XML_HEADERS = { 'content-type': 'text/xml;charset=UTF-8' };

const ssm: ServiceProtocol = {
  readsFleet: true,
  parse(body, headers) {
    const target = operationFromTarget(String(headers['x-amz-target'] ?? ''));
    const operation = target?.operation;
    return {
      operation,
      run(ctx) {
        if (target?.service !== 'AmazonSSM' || !operation || !SSM_OPERATIONS[operation]) {
          throw new SimulatorError(
            'UnknownOperationException',
            `Operation ${operation ?? '(none)'} is not supported by the sandbox.`,
          );
        }
        let decoded: unknown = {};
        if (body.trim().length > 0) {
          try {
            decoded = JSON.parse(body);
          } catch {
            throw new SimulatorError('SerializationException', 'The request body is not valid JSON.');
          }
        }
        const handler = SSM_OPERATIONS[operation] as (typeof SSM_OPERATIONS)[string];
        const input = asInput(decoded);
        checkPaging(operation, input);
        return jsonResponse(handler({ sim: ctx.sim, partition: ctx.partition, now: ctx.now, operation }, input));
      },
    };
  },
  error: jsonError,
  throttled: () => new SimulatorError('ThrottlingException', 'Rate exceeded'),
  internal: () =>
    new SimulatorError('InternalServerError', 'An internal error occurred (injected by the sandbox).', 500),
  accessDenied: (action, account) => new SimulatorError('AccessDeniedException', deniedMessage(action, account), 400),
};

/** AWS's wording for an IAM denial. */
function deniedMessage(action: string, account: string): string {
  return `User: arn:aws:sts::${account}:assumed-role/patchbot/sandbox is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
}

function queryProtocol(
  operations: Readonly<Record<string, (ctx: RunContext, params: QueryStruct) => string>>,
  errorBody: (error: SimulatorError, requestId: string) => string,
  faults: {
    throttled: () => SimulatorError;
    internal: () => SimulatorError;
    accessDenied: (action: string, account: string) => SimulatorError;
  },
  readsFleet: boolean,
): ServiceProtocol {
  return {
    readsFleet,
    parse(body) {
      const params = parseQuery(body);
      const operation = queryString(params, 'Action');
      return {
        operation,
        run(ctx) {
          const handler = operation ? operations[operation] : undefined;
          if (!handler)
            throw new SimulatorError(
              'InvalidAction',
              `The action ${operation ?? '(none)'} is not valid for this web service.`,
            );
          return { status: 200, headers: XML_HEADERS, body: handler(ctx, params) };
        },
      };
    },
    error: (error, requestId) => ({ status: error.status, headers: XML_HEADERS, body: errorBody(error, requestId) }),
    ...faults,
  };
}

const ec2 = queryProtocol(
  EC2_OPERATIONS,
  ec2ErrorBody,
  {
    throttled: () => new SimulatorError('RequestLimitExceeded', 'Request limit exceeded.', 503),
    internal: () =>
      new SimulatorError('InternalError', 'An internal error has occurred (injected by the sandbox).', 500),
    accessDenied: (action, account) =>
      new SimulatorError(
        'UnauthorizedOperation',
        `You are not authorized to perform this operation. ${deniedMessage(action, account)}`,
        403,
      ),
  },
  true,
);

const sts = queryProtocol(
  STS_OPERATIONS,
  stsErrorBody,
  {
    throttled: () => new SimulatorError('Throttling', 'Rate exceeded'),
    internal: () => new SimulatorError('InternalFailure', 'An internal error occurred (injected by the sandbox).', 500),
    accessDenied: (action, account) => new SimulatorError('AccessDenied', deniedMessage(action, account), 403),
  },
  false,
);

/** Protocols by service name. */
export const SERVICES: Readonly<Record<ServiceName, ServiceProtocol>> = { ssm, ec2, sts };

/**
 * Which service a request is for: the SigV4 credential scope names it; without a signature the
 * X-Amz-Target header (SSM) or the Query API version (STS 2011-06-15, else EC2) tells.
 */
export function detectService(
  scopeService: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): ServiceName {
  if (scopeService === 'ssm' || scopeService === 'ec2' || scopeService === 'sts') return scopeService;
  if (headers['x-amz-target'] || String(headers['content-type'] ?? '').includes(JSON_CONTENT_TYPE)) return 'ssm';
  const params = new URLSearchParams(body);
  if (params.get('Version') === '2011-06-15' || STS_OPERATIONS[params.get('Action') ?? ''] !== undefined) return 'sts';
  return 'ec2';
}
