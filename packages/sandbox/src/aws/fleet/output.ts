/**
 * What AWS-RunPatchBaseline writes to stdout and stderr on a simulated instance: the package
 * manager's lines on Linux (yum), Windows Update's on Windows, and on failure the errors those
 * tools print with a non-zero exit code. GetCommandInvocation shows the first 24,000 / 8,000
 * characters, ListCommandInvocations' plugin Output the first 2,500 (the SSM API reference's
 * limits); the whole text goes to S3 when the command asked for it.
 */
import { hashString } from '../random';
import type { CatalogPatch, PatchOperation, SimInstance } from './instance-model';

/** GetCommandInvocation's StandardOutputContent: "the first 24,000 characters written by the plugin to stdout". */
export const STDOUT_CAP = 24_000;
/** GetCommandInvocation's StandardErrorContent: "the first 8,000 characters written by the plugin to stderr". */
export const STDERR_CAP = 8_000;
/** CommandPlugin.Output's maximum length in the service model. */
export const PLUGIN_OUTPUT_CAP = 2_500;
const TRUNCATED = '\n---Output truncated---';

/** An invocation's streams and exit code. */
export interface InvocationOutput {
  stdout: string;
  stderr: string;
  responseCode: number;
}

/** The first `cap` characters, as GetCommandInvocation returns them. */
export function firstChars(text: string, cap: number): string {
  return text.length <= cap ? text : text.slice(0, cap);
}

/** The plugin Output ListCommandInvocations shows: within its 2,500 characters, marked when cut. */
export function pluginOutput(text: string): string {
  return text.length <= PLUGIN_OUTPUT_CAP ? text : `${text.slice(0, PLUGIN_OUTPUT_CAP - TRUNCATED.length)}${TRUNCATED}`;
}

/** yum's name for a catalog patch's package: `openssl.x86_64:0:1.2.3-1.amzn2` → `openssl.x86_64 0:1.2.3-1.amzn2`. */
function yumPackage(patch: CatalogPatch): { nameArch: string; evr: string } {
  const [nameArch = patch.kbId, epoch = '0', ...rest] = patch.kbId.split(':');
  return { nameArch, evr: `${epoch}:${rest.join(':')}` };
}

function linuxPreamble(instance: SimInstance): string[] {
  return [
    '/usr/bin/python3',
    '/usr/bin/yum',
    `Loading patch baseline snapshot for ${instance.id}`,
    'Loaded plugins: extras_suggestions, langpacks, priorities, update-motd',
  ];
}

/** The yum or Windows Update lines of a successful install of `installed`, before the compliance summary. */
export function installLines(instance: SimInstance, installed: readonly CatalogPatch[]): string[] {
  if (instance.os === 'WINDOWS') {
    return [
      `Installing ${installed.length} update(s) on ${instance.computerName}`,
      ...installed.map((p) => `Installed ${p.kbId}: ${p.title}`),
    ];
  }
  if (installed.length === 0) return [...linuxPreamble(instance), 'No packages marked for update'];
  return [
    ...linuxPreamble(instance),
    'Resolving Dependencies',
    '--> Running transaction check',
    ...installed.map((p) => {
      const { nameArch, evr } = yumPackage(p);
      return `---> Package ${nameArch} ${evr} will be an update`;
    }),
    '--> Finished Dependency Resolution',
    'Running transaction',
    ...installed.map((p, i) => `  Updating   : ${yumPackage(p).nameArch}    ${i + 1}/${installed.length}`),
    'Updated:',
    ...installed.map((p) => `  ${yumPackage(p).nameArch} ${yumPackage(p).evr}`),
    'Complete!',
  ];
}

const LINUX_FAILURES = [
  (first: string) => ({
    out: [
      'Resolving Dependencies',
      '--> Running transaction check',
      `---> Package ${first} will be an update`,
      '--> Finished Dependency Resolution',
      'Running transaction check',
      'Running transaction test',
    ],
    err: [
      'Transaction check error:',
      `  file /usr/lib64/lib${first.split('.')[0]}.so.10 from install of ${first} conflicts with file from package ${first.split('.')[0]}-libs.x86_64`,
      'Error Summary',
      '-------------',
    ],
  }),
  () => ({
    out: [],
    err: [
      'One of the configured repositories failed (Amazon Linux 2 core repository),',
      " and yum doesn't have enough cached data to continue.",
      'failure: repodata/repomd.xml from amzn2-core: [Errno 256] No more mirrors to try.',
      "https://amazonlinux-2-repos-us-east-1.s3.dualstack.us-east-1.amazonaws.com/2/core/2.0/x86_64/repodata/repomd.xml: [Errno 12] Timeout on https://amazonlinux-2-repos-us-east-1.s3.dualstack.us-east-1.amazonaws.com/2/core/2.0/x86_64/repodata/repomd.xml: (28, 'Connection timed out after 5001 milliseconds')",
    ],
  }),
  (first: string) => ({
    out: ['Resolving Dependencies', '--> Running transaction check', `---> Package ${first} will be an update`],
    err: [
      'Error: Insufficient space in download directory /var/cache/yum/x86_64/2/amzn2-core/packages',
      '    * free   12 M',
      '    * needed 61 M',
    ],
  }),
];

const WINDOWS_FAILURES = [
  { code: '0x80070643', text: 'ERROR_INSTALL_FAILURE: Fatal error during installation.' },
  { code: '0x800f0922', text: 'CBS_E_INSTALLERS_FAILED: Processing advanced installers and generic commands failed.' },
  { code: '0x80070070', text: 'ERROR_DISK_FULL: There is not enough space on the disk.' },
];

/**
 * A failed run: which failure depends on the instance, so reruns fail the same way; a Scan, which
 * installs nothing, fails reading the repositories.
 */
export function installFailure(
  instance: SimInstance,
  pending: readonly CatalogPatch[],
  operation: PatchOperation,
): InvocationOutput {
  const pick = operation === 'Scan' ? 1 : hashString(instance.id);
  if (instance.os === 'WINDOWS') {
    const failure = WINDOWS_FAILURES[pick % WINDOWS_FAILURES.length] as (typeof WINDOWS_FAILURES)[number];
    const kb = pending[0]?.kbId ?? 'KB0000000';
    return {
      stdout: [
        `Installing ${Math.max(1, pending.length)} update(s) on ${instance.computerName}`,
        `Downloading ${kb}`,
        `Installing ${kb}`,
      ].join('\n'),
      stderr: [
        `Install-WindowsUpdate : Windows Update failed to install ${kb} with HRESULT ${failure.code}`,
        `${failure.text}`,
        'At C:\\ProgramData\\Amazon\\PatchBaselineOperations\\Modules\\AWSPatchBaselineOperations.psm1:612 char:9',
        '    + CategoryInfo          : NotSpecified: (:) [Install-WindowsUpdate], COMException',
        '    + FullyQualifiedErrorId : System.Runtime.InteropServices.COMException',
        'failed to run commands: exit status 1',
      ].join('\n'),
      responseCode: 1,
    };
  }
  const first = pending[0] ? `${yumPackage(pending[0]).nameArch} ${yumPackage(pending[0]).evr}` : 'kernel.x86_64';
  const failure = (LINUX_FAILURES[pick % LINUX_FAILURES.length] as (typeof LINUX_FAILURES)[number])(first);
  return {
    stdout: [...linuxPreamble(instance), ...failure.out].join('\n'),
    stderr: [
      ...failure.err,
      'ERROR Error occurred while installing packages; see the yum output above',
      'failed to run commands: exit status 1',
    ].join('\n'),
    responseCode: 1,
  };
}

/** An install whose InstallOverrideList could not be fetched or read: nothing installed, exit 1. */
export function overrideListFailure(instance: SimInstance, url: string, reason: string): InvocationOutput {
  if (instance.os === 'WINDOWS') {
    return {
      stdout: `Downloading the install override list from ${url}`,
      stderr: [
        `Invoke-PatchBaselineOperation : Unable to use the install override list ${url}: ${reason}`,
        'failed to run commands: exit status 1',
      ].join('\n'),
      responseCode: 1,
    };
  }
  return {
    stdout: [...linuxPreamble(instance), `Downloading the install override list from ${url}`].join('\n'),
    stderr: [
      `ERROR Unable to use the install override list ${url}: ${reason}`,
      'failed to run commands: exit status 1',
    ].join('\n'),
    responseCode: 1,
  };
}
