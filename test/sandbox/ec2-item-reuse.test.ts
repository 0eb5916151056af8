/**
 * What the simulator keeps of DescribeInstances items between pages, over HTTP with the real SDK:
 * each instance's item text must follow every change EC2 shows (tags, power state and why it
 * stopped) made after the instance was listed.
 */
import { CreateTagsCommand, DeleteTagsCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { Simulator } from '@patchbot/sandbox/aws/simulator';
import { listen, shutdown } from '@patchbot/sandbox/aws/server';
import type { Server } from 'node:http';
import { clients } from './helpers';

let sim: Simulator;
let server: Server;
let aws: ReturnType<typeof clients>;

beforeAll(async () => {
  sim = new Simulator({ seed: 5, instances: 50 });
  const started = await listen(sim, 0);
  server = started.server;
  aws = clients(`http://127.0.0.1:${started.port}`);
});

afterAll(async () => {
  aws.destroy();
  await shutdown(server);
});

async function described(instanceId: string) {
  const out = await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const instance = out.Reservations?.[0]?.Instances?.[0];
  if (!instance) throw new Error(`${instanceId} not described`);
  return instance;
}

const tagsOf = (instance: { Tags?: Array<{ Key?: string; Value?: string }> }) =>
  Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key, t.Value]));

describe('DescribeInstances items kept between pages', () => {
  it('show a tag set, overwritten and deleted after the instance was listed', async () => {
    const id = sim.partitionFor().instanceList[0]?.id as string;
    const before = tagsOf(await described(id));
    expect(before['Owner']).toBeUndefined();

    await aws.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Owner', Value: 'team <a> & b' }] }));
    expect(tagsOf(await described(id))).toEqual({ ...before, Owner: 'team <a> & b' });

    await aws.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Owner', Value: 'team-c' }] }));
    expect(tagsOf(await described(id))['Owner']).toBe('team-c');

    await aws.ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'Owner' }] }));
    expect(tagsOf(await described(id))).toEqual(before);
  });

  it('show a stop and a start after the instance was listed, with the stop reason only while stopped', async () => {
    const id = sim.partitionFor().instanceList[1]?.id as string;
    const running = await described(id);
    expect(running.State?.Name).toBe('running');
    expect(running.StateReason).toBeUndefined();

    sim.setInstance(id, { state: 'stopped' });
    const stopped = await described(id);
    expect(stopped.State).toEqual({ Code: 80, Name: 'stopped' });
    expect(stopped.StateReason?.Code).toBe('Client.UserInitiatedShutdown');
    expect(stopped.StateTransitionReason).toMatch(/^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);

    sim.setInstance(id, { state: 'running' });
    const again = await described(id);
    expect(again.State).toEqual({ Code: 16, Name: 'running' });
    expect(again.StateReason).toBeUndefined();
    expect(again.StateTransitionReason ?? '').toBe('');
  });
});
