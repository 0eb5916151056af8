import { toAwsError } from '../../src/aws/error-mapping';
import { AwsError } from '../../src/errors';

const context = { service: 'ssm', operation: 'SendCommand', scope: 'prod', region: 'eu-west-1' };

function sdkError(name: string, status: number, fault: 'client' | 'server' = 'client'): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status, requestId: 'req-123' },
  });
}

describe('toAwsError', () => {
  it('names the missing IAM action on AccessDenied and keeps cause, scope and request id', () => {
    const cause = sdkError('AccessDeniedException', 400);
    const err = toAwsError(cause, context);
    expect(err).toBeInstanceOf(AwsError);
    expect(err.code).toBe('AWS_ACCESS_DENIED');
    expect(err.userMessage).toContain('`ssm:SendCommand`');
    expect(err.userMessage).toContain('scope prod (eu-west-1)');
    expect(err.iamAction).toBe('ssm:SendCommand');
    expect(err.cause).toBe(cause);
    expect(err.requestId).toBe('req-123');
    expect(err.awsCode).toBe('AccessDeniedException');
  });

  it.each([
    ['UnauthorizedOperation', 403, 'client', 'AWS_ACCESS_DENIED'],
    ['ThrottlingException', 400, 'client', 'AWS_THROTTLED'],
    ['RequestLimitExceeded', 503, 'client', 'AWS_THROTTLED'],
    ['InvalidInstanceId', 400, 'client', 'AWS_NOT_FOUND'],
    ['DoesNotExistException', 400, 'client', 'AWS_NOT_FOUND'],
    ['ExpiredTokenException', 400, 'client', 'AWS_CREDENTIALS'],
    ['InternalServerError', 500, 'server', 'AWS_UNAVAILABLE'],
    ['ValidationException', 400, 'client', 'AWS_INVALID_REQUEST'],
  ] as const)('maps %s (%i) to %s', (name, status, fault, code) => {
    expect(toAwsError(sdkError(name, status, fault), context).code).toBe(code);
  });

  it('treats a refused connection as AWS being unavailable', () => {
    const err = toAwsError(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      context,
    );
    expect(err.code).toBe('AWS_UNAVAILABLE');
    expect(err.userMessage).toContain('Nothing was changed');
    expect(err.outcomeUnknown).toBe(false);
  });

  it('a dropped connection on a call that changes something may have run: it never says nothing was changed', () => {
    const err = toAwsError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), context);
    expect(err.code).toBe('AWS_UNAVAILABLE');
    expect(err.outcomeUnknown).toBe(true);
    expect(err.userMessage).toContain('may or may not have been carried out');
    expect(err.userMessage).not.toContain('Nothing was changed');
  });

  it('falls back to a generic AWS error for something unknown', () => {
    expect(toAwsError('weird', context).code).toBe('AWS_ERROR');
  });

  it('passes an AwsError through unchanged', () => {
    const first = toAwsError(sdkError('ThrottlingException', 400), context);
    expect(toAwsError(first, { ...context, operation: 'Other' })).toBe(first);
  });
});
