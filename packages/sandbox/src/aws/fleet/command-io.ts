/**
 * What an AWS-RunPatchBaseline run reads from and writes to S3 on a simulated instance: the
 * InstallOverrideList it fetches as it starts, and its stdout/stderr uploaded at the end under
 * Run Command's layout `<prefix>/<command id>/<instance id>/<plugin>/<step>/stdout|stderr`
 * (the plugin `aws:runShellScript` written without the colon, the step PatchLinux or PatchWindows).
 */
import type { Partition } from '../partition';
import { outputUrl, parseS3Url } from '../s3/urls';
import { OverrideListError, parseOverrideList } from './override-list';
import { overrideListFailure } from './output';
import type { SimCommand, SimInstance, SimInvocation } from './model';

/** The S3 key of one output stream of one invocation. */
export function outputKey(command: SimCommand, instance: SimInstance, stream: 'stdout' | 'stderr'): string {
  const prefix = (command.outputS3?.prefix ?? '').replace(/\/+$/, '');
  const step = instance.os === 'WINDOWS' ? 'awsrunPowerShellScript/PatchWindows' : 'awsrunShellScript/PatchLinux';
  return [...(prefix ? [prefix] : []), command.id, instance.id, step, stream].join('/');
}

/** Fetches and parses the command's InstallOverrideList for one invocation of an Install. */
export function fetchOverrideList(
  partition: Partition,
  command: SimCommand,
  invocation: SimInvocation,
  instance: SimInstance,
): void {
  const url = command.parameters['InstallOverrideList']?.[0];
  if (command.operation !== 'Install' || !url) return;
  const location = parseS3Url(url);
  if (!location) {
    invocation.failure = overrideListFailure(
      instance,
      url,
      'could not download it: the sandbox reaches only its own S3 (s3:// or https://s3.<region>.amazonaws.com/ URLs)',
    );
    return;
  }
  const read = partition.s3.read(location);
  if ('failure' in read) {
    invocation.failure = overrideListFailure(
      instance,
      url,
      `An error occurred (${read.failure.code}) when calling the GetObject operation: ${read.failure.message}`,
    );
    return;
  }
  try {
    invocation.overrideList = { url, patches: parseOverrideList(read.body.toString('utf8')) };
  } catch (err) {
    if (!(err instanceof OverrideListError)) throw err;
    invocation.failure = overrideListFailure(instance, url, `the YAML is not a valid override list: ${err.message}`);
  }
}

/** Uploads a finished invocation's output where the command asked; records the URLs Run Command reports. */
export function uploadOutput(
  partition: Partition,
  command: SimCommand,
  invocation: SimInvocation,
  instance: SimInstance,
  at: number,
): void {
  const final = invocation.final;
  const target = command.outputS3;
  if (!final || !target) return;
  const region = partition.s3.bucketRegion(target.bucket) ?? partition.region;
  const keys = { stdout: outputKey(command, instance, 'stdout'), stderr: outputKey(command, instance, 'stderr') };
  // The agent uploads what the plugin wrote; an upload that fails (no bucket, denied) is only logged on the instance.
  if (final.output !== '') partition.s3.write(target.bucket, keys.stdout, final.output, new Date(at));
  if (final.stderr !== '') partition.s3.write(target.bucket, keys.stderr, final.stderr, new Date(at));
  final.outputUrls = {
    stdout: outputUrl(region, target.bucket, keys.stdout),
    stderr: outputUrl(region, target.bucket, keys.stderr),
  };
}
