import { AwsError } from '../../src/errors';
import type { InvocationOutput } from '../../src/patching/fleet-types';
import {
  DETAIL_MAX,
  FailureDetails,
  OUTPUT_LINES,
  READ_ATTEMPTS,
  failureDetailOf,
  lastLines,
  outputFolderUrl,
} from '../../src/patching/failure-detail';
import type { FailureDetail } from '../../src/patching/failure-record';
import { readResult, resultJson } from '../../src/patching/records';
import type { InstanceOutcome, OperationReport } from '../../src/patching/report-record';
import type { PatchGateway } from '../../src/patching';
import { unitWorld, type UnitWorld } from './unit-fixtures';

/** A gateway whose GetCommandInvocation answers from `answer` (or throws what it throws); every call is counted. */
function outputGateway(answer: (instanceId: string) => InvocationOutput, calls: string[]): PatchGateway {
  return {
    scope: 'default',
    region: 'us-east-1',
    getCommandInvocation: async (commandId: string, instanceId: string, plugin?: string) => {
      calls.push(`${commandId}/${instanceId}/${plugin}`);
      return answer(instanceId);
    },
  } as unknown as PatchGateway;
}

const output = (instanceId: string, text: string): InvocationOutput => ({
  commandId: 'cmd-1',
  instanceId,
  pluginName: 'PatchLinux',
  responseCode: 1,
  status: 'Failed',
  statusDetails: 'Failed',
  standardOutput: text,
  standardError: 'failed to run commands: exit status 1',
  standardOutputUrl: undefined,
  standardErrorUrl: undefined,
});

const outcome = (instanceId: string, status: InstanceOutcome['status'], statusDetails?: string): InstanceOutcome => ({
  instanceId,
  scope: 'default',
  region: 'us-east-1',
  commandId: 'cmd-1',
  status,
  ...(statusDetails ? { statusDetails } : {}),
});

describe('failureDetailOf', () => {
  const report = (kind: OperationReport['kind'], outcomes: InstanceOutcome[]) =>
    ({ kind, outcomes }) as unknown as OperationReport;

  it('records the reachable failures of an install, the first DETAIL_MAX in detail and the rest named', () => {
    const failed = Array.from({ length: DETAIL_MAX + 2 }, (_, i) => outcome(`i-${i}`, i % 2 ? 'TimedOut' : 'Failed'));
    const d = failureDetailOf(
      report('install', [
        ...failed,
        outcome('i-ok', 'Success'),
        outcome('i-gone', 'Failed', 'Undeliverable'),
        outcome('i-late', 'TimedOut', 'Delivery Timed Out'),
      ]),
    );
    expect(d?.state).toBe('due');
    expect(d?.instances.map((f) => f.instanceId)).toEqual(failed.slice(0, DETAIL_MAX).map((o) => o.instanceId));
    expect(d?.more.map((f) => f.instanceId)).toEqual(failed.slice(DETAIL_MAX).map((o) => o.instanceId));
  });

  it('records nothing for a scan or when nothing failed', () => {
    expect(failureDetailOf(report('scan', [outcome('i-1', 'Failed')]))).toBeUndefined();
    expect(failureDetailOf(report('reboot', [outcome('i-1', 'Success')]))).toBeUndefined();
  });
});

describe('lastLines and outputFolderUrl', () => {
  it('keeps the last lines, cut to length, without the trailing blank ones', () => {
    const text = `${Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\r\n')}\n\n`;
    expect(lastLines(text, OUTPUT_LINES)).toEqual(Array.from({ length: 15 }, (_, i) => `line ${i + 15}`));
    expect(lastLines('', 5)).toEqual([]);
    expect(lastLines('x'.repeat(500), 1)[0]).toHaveLength(200);
  });

  it('names the S3 console folder SSM writes one invocation to', () => {
    expect(outputFolderUrl({ bucket: 'out', prefix: 'a/b' }, 'eu-west-1', 'c-1', 'i-1')).toBe(
      'https://s3.console.aws.amazon.com/s3/buckets/out?region=eu-west-1&prefix=a%2Fb%2Fc-1%2Fi-1%2F',
    );
  });
});

describe('FailureDetails', () => {
  let world: UnitWorld;
  beforeEach(async () => {
    world = await unitWorld();
  });
  afterEach(async () => world.close());

  /** An install of PRD that ended failed, its result published on card 1.0, with `detail` to explain. */
  async function endedInstall(detail: FailureDetail) {
    const created = await world.store.operations.create({
      kind: 'install',
      group: 'PRD',
      status: 'approved',
      requestedBy: 'U0OPS',
      channel: 'C0PRD',
      params: {},
      plan: {},
    });
    await world.store.operations.transition(created.id, { from: 'approved', to: 'sending' });
    await world.store.operations.transition(created.id, { from: 'sending', to: 'running' });
    const ended = await world.store.operations.transition(created.id, {
      from: 'running',
      to: 'failed',
      patch: { messageTs: '1.0', result: resultJson({ failures: [], published: true, failureDetail: detail }) },
    });
    return ended!;
  }

  const due = (...ids: string[]): FailureDetail => ({
    state: 'due',
    attempts: 0,
    instances: ids.map((id) => ({
      instanceId: id,
      scope: 'default',
      region: 'us-east-1',
      commandId: 'cmd-1',
      status: 'Failed',
    })),
    more: [],
  });
  const current = async (id: string) => (await world.store.operations.get(id))!;

  it('reads each failed instance once, posts the detail once, then keeps only whom to retry', async () => {
    const calls: string[] = [];
    const ctx = { ...world.ctx, gateways: [outputGateway((id) => output(id, `a\nb\nlast words of ${id}`), calls)] };
    const details = new FailureDetails(ctx);
    const op = await endedInstall(due('i-1', 'i-2'));
    await details.advance(op);
    expect(calls.sort()).toEqual(['cmd-1/i-1/PatchLinux', 'cmd-1/i-2/PatchLinux']);
    expect(world.publisher.failures).toHaveLength(1);
    const posted = world.publisher.failures[0]!.detail;
    expect(posted.instances[0]).toMatchObject({ responseCode: 1, output: ['a', 'b', 'last words of i-1'] });
    const after = readResult(await current(op.id)).failureDetail!;
    expect(after.state).toBe('posted');
    expect(after.instances.map((f) => [f.instanceId, f.output])).toEqual([
      ['i-1', undefined],
      ['i-2', undefined],
    ]);
    await details.advance(await current(op.id));
    expect(world.publisher.failures).toHaveLength(1);
    expect(calls).toHaveLength(2);
  });

  it('asks again on later passes when AWS does not answer, and says so in the thread after the last try', async () => {
    const calls: string[] = [];
    const fail = () => {
      throw new AwsError(
        'AWS_THROTTLED',
        'slow down',
        {
          service: 'ssm',
          operation: 'GetCommandInvocation',
          scope: 'default',
          region: 'us-east-1',
          awsCode: undefined,
          requestId: undefined,
          httpStatus: 400,
        },
        { userMessage: 'AWS is throttling ssm:GetCommandInvocation; try again shortly.' },
      );
    };
    const ctx = { ...world.ctx, gateways: [outputGateway((id) => (id === 'i-1' ? output(id, 'ok') : fail()), calls)] };
    const details = new FailureDetails(ctx);
    const op = await endedInstall(due('i-1', 'i-2'));
    for (let pass = 1; pass < READ_ATTEMPTS; pass++) {
      await details.advance(await current(op.id));
      expect(readResult(await current(op.id)).failureDetail).toMatchObject({ state: 'due', attempts: pass });
      expect(world.publisher.failures).toHaveLength(0);
    }
    await details.advance(await current(op.id));
    // i-1 was read on the first pass and never asked again.
    expect(calls.filter((c) => c.includes('i-1'))).toHaveLength(1);
    expect(calls.filter((c) => c.includes('i-2'))).toHaveLength(READ_ATTEMPTS);
    const posted = world.publisher.failures[0]!.detail;
    expect(posted.instances[1]!.readError).toBe('AWS is throttling ssm:GetCommandInvocation; try again shortly.');
    expect(posted.instances[0]!.output).toEqual(['ok']);
  });

  it('posts nothing while Slack fails and posts the same detail once it answers', async () => {
    const calls: string[] = [];
    const ctx = { ...world.ctx, gateways: [outputGateway((id) => output(id, 'out'), calls)] };
    const details = new FailureDetails(ctx);
    const op = await endedInstall(due('i-1'));
    world.publisher.failNext = 1;
    await details.advance(op);
    expect(world.publisher.failures).toHaveLength(0);
    expect(readResult(await current(op.id)).failureDetail?.state).toBe('read');
    await details.advance(await current(op.id));
    expect(world.publisher.failures).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });
});
