/**
 * The production gateway, unchanged, against the fleet simulator over HTTP: the only difference
 * from AWS is the endpoint.
 */
import { ListCommandInvocationsCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Fleet, FleetGateway } from '../../src/aws';
import { AwsError } from '../../src/errors';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';
import { GROUPS, SANDBOX_CREDENTIALS, eventually, sandboxFleet } from '../support/aws';

const FAST = { pendingMs: 20, runMs: 60 };

describe('FleetGateway against the simulator', () => {
  let sim: FleetSimulator;
  let fleet: Fleet;
  let gw: FleetGateway;

  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, seed: 7, timing: FAST });
    fleet = sandboxFleet(sim.url);
    gw = fleet.gateways[0] as FleetGateway;
  });
  afterAll(async () => {
    fleet.close();
    await sim.close();
  });

  it('lists a group with SSM ping status joined to EC2 names and states', async () => {
    const prd = await gw.listManagedInstances(GROUPS.PRD);
    expect(prd.length).toBeGreaterThan(3);
    expect(prd.every((i) => i.name)).toBe(true);
    expect(prd.some((i) => i.pingStatus === 'ConnectionLost' || i.ec2State === 'stopped')).toBe(true);
    const stg = await gw.listManagedInstances(GROUPS.STG);
    const prdIds = new Set(prd.map((i) => i.instanceId));
    expect(stg.some((i) => prdIds.has(i.instanceId))).toBe(false);
  });

  it('looks instances up by id for their Name tag and tags, leaving out ids EC2 does not know', async () => {
    const prd = await gw.listManagedInstances(GROUPS.PRD);
    const ids = prd.map((i) => i.instanceId);
    const found = await gw.describeInstanceTags([...ids, 'i-0fffffffffffffff0']);
    expect(found.map((i) => i.instanceId).sort()).toEqual([...ids].sort());
    for (const i of found) {
      expect(i.name).toBe(prd.find((p) => p.instanceId === i.instanceId)?.name);
      expect(i.tags['Patch Group']).toBe('PRD');
    }
    expect(await gw.describeInstanceTags([])).toEqual([]);
  });

  it('reads patch states, missing patches, group state and the baseline with its rules', async () => {
    const states = await gw.listPatchStates(GROUPS.PRD);
    expect(states.length).toBeGreaterThan(0);
    expect(states[0]?.operationEndTime).toBeInstanceOf(Date);
    const byIds = await gw.getPatchStates(states.map((s) => s.instanceId));
    expect(byIds.map((s) => s.instanceId).sort()).toEqual(states.map((s) => s.instanceId).sort());

    const missingSomewhere = states.filter((s) => s.missingCount > 0);
    expect(missingSomewhere.length).toBeGreaterThan(0);
    const patches = await gw.listInstancePatches(missingSomewhere.map((s) => s.instanceId));
    for (const s of missingSomewhere) {
      expect(patches.get(s.instanceId)?.filter((p) => p.state === 'Missing')).toHaveLength(s.missingCount);
    }

    const groupState = await gw.getPatchGroupState(GROUPS.PRD);
    expect(groupState.instances).toBe(states.length);

    const baseline = await gw.getBaseline(GROUPS.PRD);
    expect(baseline.name).toBe('PRD-AL2Baseline');
    expect(baseline.operatingSystem).toBe('AMAZON_LINUX_2');
    expect(baseline.approvalRules[0]?.approveAfterDays).toBe(31);
    expect(baseline.approvalRules[0]?.filters.SEVERITY).toEqual(expect.arrayContaining(['Critical', 'Important']));
    expect((await gw.getBaseline(GROUPS.STG)).approvalRules[0]?.approveAfterDays).toBe(1);
  });

  it('reads maintenance windows with next runs, targets and tasks', async () => {
    const windows = await gw.listMaintenanceWindows();
    const am2 = windows.find((w) => w.name === 'patch-window-am2');
    expect(am2?.schedule).toBe('cron(00 17 * * ? *)');
    expect(am2?.nextExecutionTime).toBeInstanceOf(Date);
    const detail = await gw.getMaintenanceWindow(am2!.windowId);
    expect(detail.tasks.map((t) => t.taskArn)).toEqual(expect.arrayContaining(['AWS-RunPatchBaseline']));
    expect(detail.targets.length).toBeGreaterThan(0);
  });

  it('follows a window execution down to task invocations whose ExecutionId is a command id', async () => {
    const [am2] = (await gw.listMaintenanceWindows()).filter((w) => w.name === 'patch-window-am2');
    const started = new Date(Date.now() - 1000);
    await sim.executeWindow(am2!.windowId);
    const execution = await eventually(async () => {
      const done = (await gw.listWindowExecutions(am2!.windowId, started)).find((e) => e.endTime);
      return done;
    });
    expect(execution.status).toMatch(/SUCCESS|FAILED/);
    const tasks = await gw.listWindowExecutionTasks(execution.executionId);
    expect(tasks.length).toBe(2);
    const invocations = await gw.listWindowTaskInvocations(execution.executionId, tasks[0]!.taskExecutionId);
    expect(invocations.length).toBeGreaterThan(0);
    const commandId = invocations[0]!.executionId!;
    expect((await gw.listCommandInvocations(commandId)).length).toBeGreaterThan(0);
  });

  it('never sends a request outside the API ranges', async () => {
    sim.resetStats();
    const ids = (await gw.listManagedInstances(GROUPS.PRD)).map((i) => i.instanceId);
    await gw.listPatchStates(GROUPS.PRD);
    await gw.getPatchStates(ids);
    await gw.listInstancePatches(ids);
    await gw.getPatchGroupState(GROUPS.PRD);
    await gw.getBaseline(GROUPS.PRD);
    const windows = await gw.listMaintenanceWindows();
    for (const w of windows) {
      await gw.getMaintenanceWindow(w.windowId);
      await gw.listWindowExecutions(w.windowId);
    }
    await gw.findPatchCommands('op-nothing', new Date(Date.now() - 3600_000));
    expect(sim.stats().rejected).toEqual({});
  });

  it('the simulator does reject an out-of-range request, so the check above can fail', async () => {
    sim.resetStats();
    const raw = new SSMClient({
      endpoint: sim.url,
      region: 'us-east-1',
      credentials: SANDBOX_CREDENTIALS,
      maxAttempts: 1,
    });
    await expect(raw.send(new ListCommandInvocationsCommand({ MaxResults: 51 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    raw.destroy();
    expect(sim.stats().rejected).toEqual({ ListCommandInvocations: 1 });
  });

  it('turns an AWS error into an AwsError naming the operation and scope', async () => {
    const err = await gw.listCommandInvocations('00000000-0000-0000-0000-000000000000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({
      code: 'AWS_NOT_FOUND',
      operation: 'ListCommandInvocations',
      scope: 'default',
      region: 'us-east-1',
      awsCode: 'InvalidCommandId',
    });
  });
});

describe('an account whose role lacks a permission', () => {
  it('answers AccessDenied naming the IAM action, for that account only', async () => {
    const sim = await startFleetSimulator({
      port: 0,
      seed: 4,
      fleets: [
        { account: '123456789012', region: 'us-east-1' },
        { account: '222222222222', region: 'us-east-1' },
      ],
      deny: [
        { action: 'ssm:SendCommand', account: '222222222222' },
        { action: 'ec2:*', account: '222222222222' },
      ],
    });
    const fleet = sandboxFleet(sim.url, [
      { name: 'main', regions: ['us-east-1'] },
      { name: 'partner', roleArn: 'arn:aws:iam::222222222222:role/patchbot', regions: ['us-east-1'] },
    ]);
    try {
      const [main, partner] = fleet.gateways as [FleetGateway, FleetGateway];
      const spec = {
        operation: 'Scan',
        rebootOption: 'NoReboot',
        group: GROUPS.PRD,
        maxConcurrency: '10%',
        maxErrors: '0',
        operationId: 'op-deny01',
        timeoutSeconds: 600,
      } as const;
      const denied = await partner.sendPatchCommand(spec).catch((e: unknown) => e);
      expect(denied).toMatchObject({ code: 'AWS_ACCESS_DENIED', scope: 'partner', iamAction: 'ssm:SendCommand' });
      expect((denied as AwsError).userMessage).toBe(
        "AWS denied ssm:SendCommand in scope partner (us-east-1). Grant the IAM action `ssm:SendCommand` to patchbot's role for that account, then try again.",
      );
      const ec2Denied = await partner.listManagedInstances(GROUPS.PRD).catch((e: unknown) => e);
      expect(ec2Denied).toMatchObject({
        code: 'AWS_ACCESS_DENIED',
        awsCode: 'UnauthorizedOperation',
        iamAction: 'ec2:DescribeInstances',
      });
      expect(await main.sendPatchCommand(spec)).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      fleet.close();
      await sim.close();
    }
  });
});

describe('paging', () => {
  it('collects every instance of a large group across many pages', async () => {
    const sim = await startFleetSimulator({ port: 0, seed: 3, instances: 600 });
    const fleet = sandboxFleet(sim.url);
    try {
      const gw = fleet.gateways[0]!;
      const prd = await gw.listManagedInstances(GROUPS.PRD);
      const states = await gw.listPatchStates(GROUPS.PRD);
      const calls = sim.stats().calls;
      expect(new Set(prd.map((i) => i.instanceId)).size).toBe(prd.length);
      expect(prd.length).toBeGreaterThan(150);
      expect(new Set(states.map((s) => s.instanceId)).size).toBe(states.length);
      expect(states.length).toBeGreaterThan(100);
      expect(calls.DescribeInstanceInformation).toBeGreaterThanOrEqual(Math.ceil(prd.length / 50));
      expect(calls.DescribeInstancePatchStatesForPatchGroup).toBeGreaterThanOrEqual(Math.ceil(states.length / 100));
      expect(sim.stats().rejected).toEqual({});
    } finally {
      fleet.close();
      await sim.close();
    }
  });
});
