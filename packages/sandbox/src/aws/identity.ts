/**
 * Who is calling and where. Requests are SigV4-signed by the SDK; the simulator reads the
 * credential scope (`Credential=AKID/date/REGION/SERVICE/aws4_request`) for the region and
 * service and maps the access key id to an account. Signatures are NOT verified: the sandbox holds
 * no secrets, and any secret key a client is configured with must work.
 */

/** What the Authorization header says. */
export interface CallerScope {
  accessKeyId?: string;
  region?: string;
  service?: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ssm/aws4_request, ...`. */
export function parseAuthorization(header: string | undefined): CallerScope {
  if (!header) return {};
  const match = /Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/.exec(header);
  if (!match) return {};
  return { accessKeyId: match[1] as string, region: match[3] as string, service: match[4] as string };
}

/** The account used for unknown access keys. */
export const DEFAULT_ACCOUNT = '123456789012';
/** The region used when a request carries no credential scope. */
export const DEFAULT_REGION = 'us-east-1';
