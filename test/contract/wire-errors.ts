/** Error answers judged against the model: the codes each service documents, the envelope, the message and the HTTP status. */
import type { ServiceModel, Where } from './model';
import { parseXml, type XmlElement } from './xml';
import type { WireContext, WireExchange } from './wire';
import { S3_ERROR_STATUS } from './s3-errors';

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

/** The error codes an operation documents: the shape's `error.code` where the model gives one, else its name. */
export function operationErrorCodes(model: ServiceModel, operation: string): Set<string> {
  const refs = model.operations[operation]?.errors ?? [];
  return new Set(refs.map((r) => model.shapes[r.shape]?.error?.code ?? r.shape));
}

/** Judges an error answer: its envelope, a code the operation or the service documents, its message and HTTP status. */
export function checkError(ctx: WireContext, model: ServiceModel, x: WireExchange, where: Where): void {
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
    // S3 (restXml) answers <Error><Code/><Message/>…<RequestId/></Error>, the error itself at the root.
    const rest = protocol === 'rest-xml';
    const error = protocol === 'ec2' ? child(child(root, 'Errors'), 'Error') : rest ? root : child(root, 'Error');
    const expectedRoot = protocol === 'ec2' ? 'Response' : rest ? 'Error' : 'ErrorResponse';
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
      : protocol === 'rest-xml'
        ? operationErrorCodes(model, x.operation).has(code) || S3_ERROR_STATUS.has(code)
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
  const expectedStatus =
    shape?.error?.httpStatusCode ?? (protocol === 'rest-xml' ? S3_ERROR_STATUS.get(code) : undefined);
  if (expectedStatus !== undefined && expectedStatus !== x.status)
    ctx.report.add(
      where,
      '',
      'http status',
      `${code} answered ${x.status}, ${shape?.error?.httpStatusCode !== undefined ? 'the model' : "S3's error list"} says ${expectedStatus}`,
    );
  if (shape?.exception && (shape.fault ? x.status < 500 : x.status >= 500)) {
    ctx.report.add(
      where,
      '',
      'http status',
      `${code} is a ${shape.fault ? 'server' : 'client'} error, answered ${x.status}`,
    );
  }
}
