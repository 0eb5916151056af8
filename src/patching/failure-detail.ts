/**
 * Failures explained in the result thread. When an install or reboot ends with failed instances
 * (Failed or TimedOut on a reachable instance), closeOperation records them as `due`; on a later
 * tracker pass, after the result is published, this unit reads each one's GetCommandInvocation (exit
 * code, status details, the tail of its output) and publishes the thread replies through the post
 * journal, so the result post never waits for these reads and no reply is ever posted twice. A read
 * that fails is tried again on the next passes and, after READ_ATTEMPTS, reported in the thread.
 */
import type { OutputS3 } from '../config/schema';
import { toPatchbotError } from '../errors';
import { mapLimit } from '../shared/concurrency';
import type { Operation } from './ports';
import { groupOf } from './deps';
import { gatewayFor, type PatchGateway } from './group-fleet';
import type { FailedInstance, FailureDetail } from './failure-record';
import { readResult, resultJson } from './records';
import { isReachableFailure } from './report';
import type { OperationReport } from './report-record';
import { journalOf, type TrackingContext } from './tracking-context';

/** Failed instances shown in detail (their output read and posted); the rest are named in the summary. */
export const DETAIL_MAX = 10;
/** Lines of standard output kept per instance (the end, where the error is). */
export const OUTPUT_LINES = 15;
/** Lines of standard error kept per instance. */
export const ERROR_LINES = 5;
/** Characters kept of one output line. */
export const LINE_MAX = 200;
/** Passes that may fail to read an instance's output before the thread says it could not be read. */
export const READ_ATTEMPTS = 3;
/** GetCommandInvocation calls at once for one operation. */
const READ_CONCURRENCY = 4;

/** The failure detail to record when `report` ends an install or reboot, or undefined when nothing failed. */
export function failureDetailOf(report: OperationReport): FailureDetail | undefined {
  if (report.kind === 'scan') return undefined;
  const failed = report.outcomes.flatMap((o): FailedInstance[] =>
    isReachableFailure(o) && o.commandId
      ? [
          {
            instanceId: o.instanceId,
            ...(o.name ? { name: o.name } : {}),
            scope: o.scope,
            region: o.region,
            commandId: o.commandId,
            status: o.status,
            ...(o.statusDetails ? { statusDetails: o.statusDetails } : {}),
          },
        ]
      : [],
  );
  if (failed.length === 0) return undefined;
  return { state: 'due', attempts: 0, instances: failed.slice(0, DETAIL_MAX), more: failed.slice(DETAIL_MAX) };
}

/** Whether an ended operation still has failure detail to read or post. */
export function detailDue(op: Operation): boolean {
  const d = readResult(op).failureDetail;
  return d !== undefined && d.state !== 'posted';
}

/** Every failed instance of an ended operation (what Retry failed targets). */
export function failedInstances(op: Operation): FailedInstance[] {
  const d = readResult(op).failureDetail;
  return d ? [...d.instances, ...d.more] : [];
}

/** AWS-RunPatchBaseline's step for the group's operating system: GetCommandInvocation needs it for a document with several. */
export function patchPlugin(operatingSystem: string): 'PatchWindows' | 'PatchMacOS' | 'PatchLinux' {
  if (operatingSystem === 'WINDOWS') return 'PatchWindows';
  if (operatingSystem === 'MACOS') return 'PatchMacOS';
  return 'PatchLinux';
}

/** The last `n` non-empty-ended lines of `text`, each cut to LINE_MAX characters. */
export function lastLines(text: string, n: number): string[] {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\s+$/, '').split('\n');
  if (lines.length === 1 && lines[0] === '') return [];
  return lines.slice(-n).map((l) => (l.length > LINE_MAX ? `${l.slice(0, LINE_MAX - 1)}…` : l));
}

/**
 * The S3 console folder SSM writes one invocation's output to (`<prefix>/<command id>/<instance id>/`),
 * for when AWS gives no StandardOutputUrl.
 */
export function outputFolderUrl(out: OutputS3, region: string, commandId: string, instanceId: string): string {
  const prefix = `${out.prefix ? `${out.prefix}/` : ''}${commandId}/${instanceId}/`;
  return `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(out.bucket)}?region=${encodeURIComponent(region)}&prefix=${encodeURIComponent(prefix)}`;
}

/** What GetCommandInvocation says about one failed instance, as the thread shows it (its output's tail and where the rest is). */
export type ReadOutput = Pick<
  FailedInstance,
  'status' | 'statusDetails' | 'responseCode' | 'output' | 'errors' | 'outputUrl'
>;

/**
 * One instance's invocation output, read with GetCommandInvocation: the exit code, the last lines
 * of output and errors, and the full output's URL (SSM's, or the S3 console folder of `outputS3`).
 */
export async function readOutput(
  gateway: Pick<PatchGateway, 'getCommandInvocation'>,
  f: { commandId: string; instanceId: string; region: string },
  plugin: string | undefined,
  outputS3: OutputS3 | undefined,
): Promise<ReadOutput> {
  const a = await gateway.getCommandInvocation(f.commandId, f.instanceId, plugin);
  const url =
    a.standardOutputUrl ?? (outputS3 ? outputFolderUrl(outputS3, f.region, f.commandId, f.instanceId) : undefined);
  return {
    status: a.status,
    ...(a.statusDetails ? { statusDetails: a.statusDetails } : {}),
    responseCode: a.responseCode,
    output: lastLines(a.standardOutput, OUTPUT_LINES),
    errors: lastLines(a.standardError, ERROR_LINES),
    ...(url ? { outputUrl: url } : {}),
  };
}

/** Whether an instance's output has been read (or given up on). */
const isRead = (f: FailedInstance) => f.responseCode !== undefined || f.readError !== undefined;

/** Reads and publishes the failure detail of ended operations; see the file comment. */
export class FailureDetails {
  constructor(private readonly ctx: TrackingContext) {}

  /** One step for an ended operation: read what is unread, then (once the result is published) post the thread replies. */
  async advance(op: Operation): Promise<void> {
    let detail = readResult(op).failureDetail;
    if (!detail || detail.state === 'posted') return;
    if (detail.state === 'due') detail = await this.read(op, detail);
    if (detail.state === 'due') return;
    const result = readResult((await this.ctx.store.operations.get(op.id)) ?? op);
    // The result comes first: the replies go under it, after it.
    if (result.published === false) return;
    const current = (await this.ctx.store.operations.get(op.id)) ?? op;
    if (!current.messageTs) {
      // No card to reply under (Slack never took it): nothing to post; Retry failed still knows the instances.
      await this.save(op.id, { ...detail, state: 'posted' });
      return;
    }
    const ready = detail;
    await this.ctx.slots.run(op.id, async () => {
      try {
        await this.ctx.publisher.publishFailures(current, ready, journalOf(this.ctx, current));
        // Posted: the output has served; the instances stay for Retry failed.
        await this.save(op.id, {
          ...ready,
          state: 'posted',
          instances: ready.instances.map(({ output: _o, errors: _e, ...rest }) => rest),
        });
        this.ctx.log.info(
          { operationId: op.id, failed: ready.instances.length + ready.more.length },
          'failure detail posted',
        );
      } catch (err) {
        this.ctx.log.warn({ operationId: op.id, err }, 'posting the failure detail failed; will retry');
      }
    });
  }

  /** Reads the unread instances' invocations; failures are retried next pass, and reported after READ_ATTEMPTS passes. */
  private async read(op: Operation, detail: FailureDetail): Promise<FailureDetail> {
    const group = groupOf(this.ctx.groups, op);
    const plugin = group ? patchPlugin(group.operatingSystem) : undefined;
    const outputS3 = group?.install.outputS3;
    const lastTry = detail.attempts + 1 >= READ_ATTEMPTS;
    let failedReads = 0;
    const instances = await mapLimit(detail.instances, READ_CONCURRENCY, async (f) => {
      if (isRead(f)) return f;
      const gateway = gatewayFor(this.ctx.gateways, f.scope, f.region);
      if (!gateway) return { ...f, readError: `Scope ${f.scope} (${f.region}) is no longer configured.` };
      try {
        return { ...f, ...(await readOutput(gateway, f, plugin, outputS3)) };
      } catch (err) {
        failedReads++;
        const e = toPatchbotError(err);
        this.ctx.log.warn(
          { operationId: op.id, instanceId: f.instanceId, err: e, lastTry },
          'reading an invocation output failed',
        );
        return lastTry ? { ...f, readError: e.userMessage } : f;
      }
    });
    const next: FailureDetail = {
      ...detail,
      instances,
      attempts: failedReads > 0 ? detail.attempts + 1 : detail.attempts,
      state: instances.every(isRead) ? 'read' : 'due',
    };
    await this.save(op.id, next);
    return next;
  }

  /** Writes the failure detail on the operation, read afresh in the transaction so nothing else written is lost. */
  private async save(operationId: string, detail: FailureDetail): Promise<void> {
    await this.ctx.store.transaction(async (tx) => {
      const current = await tx.operations.get(operationId);
      if (!current) return;
      const now = readResult(current);
      // Another process got further already: keep its state.
      if (now.failureDetail?.state === 'posted') return;
      await tx.operations.update(operationId, { result: resultJson({ ...now, failureDetail: detail }) });
    });
  }
}
