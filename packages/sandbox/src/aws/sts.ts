/**
 * STS over the awsQuery protocol (this SDK version's STS client still speaks awsQuery with XML
 * answers): AssumeRole issues keys that map to the role's account; GetCallerIdentity says who a
 * key belongs to.
 */
import type { Simulator } from './simulator';
import { SimulatorError } from './errors';
import { queryString, type QueryStruct } from './protocol/query';
import { escapeXml, xmlDocument } from './protocol/xml';

/** The namespace of STS's 2011-06-15 API. */
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** Who is calling STS. */
export interface StsContext {
  sim: Simulator;
  accessKeyId: string | undefined;
  /** The caller's partition; only its account matters to STS. */
  partition: { account: string };
  requestId: string;
}

type StsHandler = (ctx: StsContext, params: QueryStruct) => string;

/** STS's XML error body (awsQuery): `<ErrorResponse><Error><Type>..`. */
export function stsErrorBody(error: SimulatorError, requestId: string): string {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${STS_NAMESPACE}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function validationError(message: string): SimulatorError {
  return new SimulatorError('ValidationError', message);
}

function assumeRole(ctx: StsContext, params: QueryStruct): string {
  const roleArn = queryString(params, 'RoleArn');
  const sessionName = queryString(params, 'RoleSessionName');
  if (!roleArn)
    throw validationError(
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
  if (!sessionName)
    throw validationError(
      "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw validationError(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const match = ROLE_ARN.exec(roleArn);
  if (!match) throw validationError(`${roleArn} is not a valid role ARN`);
  const durationText = queryString(params, 'DurationSeconds');
  const duration = durationText === undefined ? 3600 : Number(durationText);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw validationError(
      `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
    );
  }
  const externalId = queryString(params, 'ExternalId');
  if (externalId !== undefined && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
    throw validationError(
      `1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must have length between 2 and 1224`,
    );
  }
  const credentials = ctx.sim.issueCredentials(roleArn, match[1] as string, sessionName, duration);
  return xmlDocument('AssumeRoleResponse', STS_NAMESPACE, {
    AssumeRoleResult: {
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: credentials.expiration,
      },
      AssumedRoleUser: { AssumedRoleId: credentials.assumedRoleId, Arn: credentials.assumedRoleArn },
      PackedPolicySize: 0,
    },
    ResponseMetadata: { RequestId: ctx.requestId },
  });
}

function getCallerIdentity(ctx: StsContext): string {
  const issued = ctx.sim.issuedCredentials(ctx.accessKeyId);
  const userId = issued
    ? issued.assumedRoleId
    : `AIDA${(ctx.accessKeyId ?? 'SANDBOX')
        .replace(/[^A-Z0-9]/g, '')
        .slice(4, 21)
        .padEnd(17, 'X')}`;
  const arn = issued ? issued.assumedRoleArn : `arn:aws:iam::${ctx.partition.account}:user/patchbot-sandbox`;
  return xmlDocument('GetCallerIdentityResponse', STS_NAMESPACE, {
    GetCallerIdentityResult: { UserId: userId, Account: ctx.partition.account, Arn: arn },
    ResponseMetadata: { RequestId: ctx.requestId },
  });
}

/** Action name → handler. */
export const STS_OPERATIONS: Readonly<Record<string, StsHandler>> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
};
