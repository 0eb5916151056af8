import { AwsError, NEVER_CONNECTED, type AwsCallContext } from '../errors';

/** AWS error codes by what the user can do about them. */
const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnauthorizedException',
]);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'TooManyUpdates',
]);
const NOT_FOUND = new Set([
  'DoesNotExistException',
  'InvalidInstanceId',
  'InvalidCommandId',
  'InvalidInstanceID.NotFound',
  'InvalidInstanceID.Malformed',
  'InvalidDocument',
  'NoSuchBucket',
]);
const CREDENTIALS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AuthFailure',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'TimeoutError']);

/** Calls that change something: when their answer is lost, nobody can say "nothing was changed". */
const CHANGES = new Set(['SendCommand', 'RebootInstances', 'CreateTags', 'DeleteTags', 'CancelCommand']);

/** Node's socket errors and the SDK's timeouts: the request may have reached AWS. */
function isNetworkLike(err: unknown): boolean {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: string; name?: string; message?: string };
  return (
    (e.code !== undefined && /^E[A-Z]+$/.test(e.code)) ||
    e.name === 'TimeoutError' ||
    /socket hang up|ECONNRESET|timed? ?out/i.test(e.message ?? '')
  );
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** Converts anything an SDK call threw into an AwsError that says what the user can do. */
export function toAwsError(err: unknown, context: AwsCallContext): AwsError {
  if (err instanceof AwsError) return err;
  const sdk = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  const awsCode = sdk.name && sdk.name !== 'Error' ? sdk.name : sdk.code;
  const httpStatus = sdk.$metadata?.httpStatusCode;
  const details = { ...context, awsCode, requestId: sdk.$metadata?.requestId, httpStatus };
  const where = `scope ${context.scope} (${context.region})`;
  const action = `${context.service}:${context.operation}`;
  const detail = sdk.message ? `: ${sdk.message}` : '';
  const message = `${action} failed in ${where}${awsCode ? ` with ${awsCode}` : ''}${detail}`;
  const options = { cause: err };

  if (awsCode && ACCESS_DENIED.has(awsCode)) {
    return new AwsError('AWS_ACCESS_DENIED', message, details, {
      ...options,
      userMessage: `AWS denied ${action} in ${where}. Grant the IAM action \`${action}\` to patchbot's role for that account, then try again.`,
    });
  }
  if (awsCode && THROTTLED.has(awsCode)) {
    return new AwsError('AWS_THROTTLED', message, details, {
      ...options,
      userMessage: `AWS kept throttling ${action} in ${where} after several retries. Nothing was lost; try again in a minute.`,
    });
  }
  if (awsCode && NOT_FOUND.has(awsCode)) {
    return new AwsError('AWS_NOT_FOUND', message, details, {
      ...options,
      userMessage: `AWS could not find what ${action} asked for in ${where}${detail}. Check the name or id and the scope it lives in.`,
    });
  }
  if (awsCode && CREDENTIALS.has(awsCode)) {
    return new AwsError('AWS_CREDENTIALS', message, details, {
      ...options,
      userMessage: `patchbot has no valid AWS credentials for ${where}. Check its credential chain or the role it assumes, then try again.`,
    });
  }
  // No answer at all (the connection dropped, a timeout) is unavailability too: the call may have run.
  const noAnswer =
    httpStatus === undefined &&
    !(awsCode && CREDENTIALS.has(awsCode)) &&
    sdk.$fault === undefined &&
    isNetworkLike(err);
  if (
    (awsCode && NETWORK.has(awsCode)) ||
    noAnswer ||
    sdk.$fault === 'server' ||
    (httpStatus !== undefined && httpStatus >= 500)
  ) {
    return new AwsError('AWS_UNAVAILABLE', message, details, {
      ...options,
      userMessage:
        CHANGES.has(context.operation) && !(awsCode && NEVER_CONNECTED.has(awsCode))
          ? `AWS did not answer ${action} in ${where}, so it may or may not have been carried out. patchbot checks before doing anything again, and never repeats it blindly.`
          : `AWS did not answer ${action} in ${where}. Nothing was changed by this call; try again in a few minutes.`,
    });
  }
  if (sdk.$fault === 'client' || (httpStatus !== undefined && httpStatus >= 400)) {
    return new AwsError('AWS_INVALID_REQUEST', message, details, {
      ...options,
      userMessage: `AWS rejected ${action} in ${where}${detail}. This is likely a patchbot bug; the bot logs have the request id.`,
    });
  }
  return new AwsError('AWS_ERROR', message, details, {
    ...options,
    userMessage: `${action} failed in ${where}${detail}. The bot logs have the detail.`,
  });
}
