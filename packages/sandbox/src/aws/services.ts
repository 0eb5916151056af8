/**
 * The AWS services behind the one endpoint (SSM, EC2, STS here; S3 in s3/protocol.ts), each with its protocol: how to find the
 * operation, run it, and render success and errors (including the throttling and internal errors
 * the fault knobs inject) in that service's wire shape.
 */
import type { RunContext, ServiceName, ServiceProtocol } from './service-protocol';
import { SimulatorError } from './errors';
import { JSON_CONTENT_TYPE, jsonError, jsonResponse, operationFromTarget } from './protocol/json';
import { parseQuery, queryString, type QueryStruct } from './protocol/query';
import { asInput } from './validate';
import { SSM_OPERATIONS } from './ssm';
import { checkPaging } from './ssm/common';
import { EC2_OPERATIONS, ec2ErrorBody } from './ec2';
import { STS_OPERATIONS, stsErrorBody } from './sts';
import { s3 } from './s3/protocol';

export type { ParsedRequest, RawRequest, RunContext, ServiceName, ServiceProtocol } from './service-protocol';

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
  operations: Readonly<Record<string, (ctx: RunContext, params: QueryStruct) => string | Buffer>>,
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
export const SERVICES: Readonly<Record<ServiceName, ServiceProtocol>> = { ssm, ec2, sts, s3 };

/**
 * Which service a request is for: the SigV4 credential scope names it; without a signature the
 * X-Amz-Target header (SSM) or the Query API version (STS 2011-06-15, else EC2) tells.
 */
export function detectService(
  scopeService: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): ServiceName {
  if (scopeService === 'ssm' || scopeService === 'ec2' || scopeService === 'sts' || scopeService === 's3')
    return scopeService;
  if (headers['x-amz-target'] || String(headers['content-type'] ?? '').includes(JSON_CONTENT_TYPE)) return 'ssm';
  const params = new URLSearchParams(body);
  if (params.get('Version') === '2011-06-15' || STS_OPERATIONS[params.get('Action') ?? ''] !== undefined) return 'sts';
  return 'ec2';
}
