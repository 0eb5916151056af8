/**
 * The lean patch state page reader against the SDK's own parse of the same answer, over HTTP: the
 * same states (timestamps with fractions, optional members absent), the same errors and retries; an
 * answer that is not a page as SSM documents it is an error that says so, never a page of zeros.
 */
import {
  DescribeInstancePatchStatesCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { toAwsError } from '../../src/aws/error-mapping';
import { patchStatePage, readPatchStatePage } from '../../src/aws/patch-state-pages';
import { type DribbledAnswers, startDribbledAnswers } from '../support/dribbled-answers';

const STATE = {
  InstanceId: 'i-0000000000000000a',
  PatchGroup: 'PRD',
  BaselineId: 'pb-0123456789abcdef0',
  OperationStartTime: 1.7642304e9,
  OperationEndTime: 1764230412.345,
  Operation: 'Scan',
  RebootOption: 'RebootIfNeeded',
  InstalledCount: 40,
  InstalledOtherCount: 2,
  InstalledPendingRebootCount: 0,
  InstalledRejectedCount: 0,
  MissingCount: 3,
  FailedCount: 1,
  NotApplicableCount: 100,
  CriticalNonCompliantCount: 1,
  SecurityNonCompliantCount: 2,
  OtherNonCompliantCount: 0,
  LastNoRebootInstallOperationTime: 1764000000,
};
const SPARSE = {
  InstanceId: 'i-0000000000000000b',
  PatchGroup: 'PRD',
  BaselineId: 'pb-0123456789abcdef0',
  OperationStartTime: 1764230000,
  OperationEndTime: 1764230001,
  Operation: 'Install',
};

const page = (states: unknown[], nextToken?: string) =>
  JSON.stringify({ InstancePatchStates: states, ...(nextToken ? { NextToken: nextToken } : {}) });

describe('readPatchStatePage', () => {
  it('turns epoch seconds into Dates, fractions kept to the millisecond, and leaves absent members absent', () => {
    const read = readPatchStatePage(page([STATE, SPARSE], 'tok'));
    expect(read.nextToken).toBe('tok');
    expect(read.states[0]?.OperationEndTime).toEqual(new Date('2025-11-27T08:00:12.345Z'));
    expect(read.states[0]?.LastNoRebootInstallOperationTime).toEqual(new Date(1764000000 * 1000));
    expect(read.states[1]).not.toHaveProperty('MissingCount');
    expect(readPatchStatePage('{}')).toEqual({ states: [], nextToken: undefined });
  });

  it.each([
    ['not JSON', '{"InstancePatchStates": [', /not JSON/],
    ['a list for a page', '[]', /not a JSON object/],
    ['states that are not a list', '{"InstancePatchStates": {}}', /not a list/],
    ['a required member missing', page([{ ...SPARSE, OperationEndTime: undefined }]), /item 0 has no OperationEndTime/],
    ['a count that is not a whole number', page([SPARSE, { ...STATE, MissingCount: 1.5 }]), /MissingCount of item 1/],
    ['a negative count', page([{ ...STATE, FailedCount: -1 }]), /FailedCount of item 0/],
    ['a time that is not a number', page([{ ...STATE, OperationStartTime: 'yesterday' }]), /OperationStartTime/],
    ['an id that is not text', page([{ ...STATE, InstanceId: 7 }]), /InstanceId of item 0 is not text/],
  ])('fails on %s, saying what and why in the cause', (_what, body, cause) => {
    let err: Error | undefined;
    try {
      readPatchStatePage(body);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(/could not be read .* asking again usually works/);
    expect(String((err?.cause as Error | undefined)?.message)).toMatch(cause);
  });

  it('tells the user what happened without parser jargon', () => {
    let err: unknown;
    try {
      readPatchStatePage('{"InstancePatchStates": [');
    } catch (e) {
      err = e;
    }
    const shown = toAwsError(err, {
      service: 'ssm',
      operation: 'DescribeInstancePatchStatesForPatchGroup',
      scope: 'main',
      region: 'us-east-1',
    });
    expect(shown.userMessage).toMatch(/listing patch states could not be read/);
    expect(shown.userMessage).not.toMatch(/JSON at position|Unexpected end/);
  });
});

describe('patchStatePage over HTTP', () => {
  let server: DribbledAnswers;
  let client: SSMClient;

  beforeAll(async () => {
    server = await startDribbledAnswers('application/x-amz-json-1.1', () => ({
      status: 200,
      body: page([STATE, SPARSE], 'tok-2'),
    }));
    client = new SSMClient(server.clientConfig);
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });
  beforeEach(() => server.reset());

  it("reads the same states as the SDK's own parse of the same answer, for both calls", async () => {
    const sdk = await client.send(new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'PRD' }));
    const ours = await patchStatePage(
      client,
      new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'PRD' }),
    );
    expect(ours.states).toEqual(sdk.InstancePatchStates);
    expect(ours.nextToken).toBe(sdk.NextToken);
    const byId = await patchStatePage(client, new DescribeInstancePatchStatesCommand({ InstanceIds: ['i-1'] }));
    expect(byId.states).toEqual(sdk.InstancePatchStates);
  });

  it('leaves an error answer to the SDK: the same error as the SDK alone gives, not retried', async () => {
    const denied = JSON.stringify({ __type: 'AccessDeniedException', message: 'User is not authorized' });
    server.answers.push({ status: 400, body: denied }, { status: 400, body: denied });
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => new Error('answered'),
        (e: unknown) => e as Error,
      );
    const sdk = await failure(client.send(new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'PRD' })));
    const ours = await failure(
      patchStatePage(client, new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'PRD' })),
    );
    expect(ours).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect(ours).toBeInstanceOf(sdk.constructor);
    expect({ ...ours, message: ours.message }).toEqual({ ...sdk, message: sdk.message });
    expect(server.served()).toBe(2);
  });

  it('is retried by the SDK after a throttle, and reads the answer that succeeds', async () => {
    const throttled = JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' });
    server.answers.push({ status: 400, body: throttled });
    const read = await patchStatePage(
      client,
      new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'PRD' }),
    );
    expect(server.served()).toBe(2);
    expect(read.states.map((s) => s.InstanceId)).toEqual([STATE.InstanceId, SPARSE.InstanceId]);
  });

  it('fails on an answer cut short instead of reading it as no states', async () => {
    const whole = page([STATE, SPARSE], 'tok-2');
    server.answers.push({ status: 200, body: whole.slice(0, whole.length - 20) });
    await expect(
      patchStatePage(client, new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'PRD' })),
    ).rejects.toThrow(/listing patch states could not be read/);
  });
});
