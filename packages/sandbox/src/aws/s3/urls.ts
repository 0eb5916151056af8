/**
 * S3 addresses: the `s3://bucket/key` and https forms a document parameter may hold
 * (path-style `https://s3[.-]<region>.amazonaws.com/bucket/key` or virtual-hosted
 * `https://bucket.s3[.-]<region>.amazonaws.com/key`), and the URL Run Command reports for output.
 */

/** A bucket and key. */
export interface S3Location {
  bucket: string;
  key: string;
}

const PATH_STYLE_HOST = /^s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/;
const VIRTUAL_HOST = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/;

/** The bucket and key an s3:// or https S3 URL names, or undefined for any other address. */
export function parseS3Url(url: string): S3Location | undefined {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (s3) return { bucket: s3[1] as string, key: s3[2] as string };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:') return undefined;
  const path = decodeURIComponent(parsed.pathname.slice(1));
  if (PATH_STYLE_HOST.test(parsed.hostname)) {
    const slash = path.indexOf('/');
    if (slash <= 0 || slash === path.length - 1) return undefined;
    return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
  }
  const virtual = VIRTUAL_HOST.exec(parsed.hostname);
  if (virtual && path.length > 0) return { bucket: virtual[1] as string, key: path };
  return undefined;
}

/** The https URL Run Command reports for an output object (path-style, the bucket's region). */
export function outputUrl(region: string, bucket: string, key: string): string {
  const encoded = key
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/');
  return `https://s3.${region}.amazonaws.com/${bucket}/${encoded}`;
}
