/** The patch lifecycle tests' simulator on a manual clock, and their SDK shorthands. */
import {
  DescribeInstanceInformationCommand,
  DescribeInstancePatchStatesCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SendCommandCommandInput,
  type InstanceInformation,
} from '@aws-sdk/client-ssm';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { clients } from './helpers';
import { ManualClock } from '../../src/clock';
import { startFleetSimulator, type FleetSimulator } from '@patchbot/sandbox/aws';

/** How long a command stays Pending, in simulated milliseconds. */
export const PENDING = 1000;
/** How long an invocation runs once in progress, in simulated milliseconds. */
export const RUN = 4000;

/** A simulator on a manual clock, its clients and the fleet it lists. */
export interface Lifecycle {
  sim: FleetSimulator;
  clock: ManualClock;
  aws: ReturnType<typeof clients>;
  fleet: InstanceInformation[];
}

/** Starts the seeded simulator on a manual clock at 2026-03-10T12:00:00Z, with clients, and lists its fleet. */
export async function startLifecycle(): Promise<Lifecycle> {
  const clock = new ManualClock('2026-03-10T12:00:00Z');
  const sim = await startFleetSimulator({ port: 0, seed: 2, clock, timing: { pendingMs: PENDING, runMs: RUN } });
  const aws = clients(sim.url);
  const fleet = (await aws.ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList ?? [];
  return { sim, clock, aws, fleet };
}

/**
 * SDK shorthands on the clients `aws()` returns when called (a test may replace them): an instance id by
 * Name tag, AWS-RunPatchBaseline sent (a Scan unless the input says otherwise), a command's invocations and
 * patch states by instance id, a command as ListCommands answers it.
 */
export function shorthands(aws: () => ReturnType<typeof clients>) {
  const byName = async (name: string) => {
    const out = await aws().ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [name] }] }));
    return out.Reservations![0]!.Instances![0]!.InstanceId!;
  };
  const send = async (input: Partial<SendCommandCommandInput>) =>
    (
      await aws().ssm.send(
        new SendCommandCommand({ DocumentName: 'AWS-RunPatchBaseline', Parameters: { Operation: ['Scan'] }, ...input }),
      )
    ).Command!;
  const invocations = async (commandId: string) =>
    new Map(
      (
        (await aws().ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, Details: true })))
          .CommandInvocations ?? []
      ).map((i) => [i.InstanceId!, i]),
    );
  const states = async (ids: string[]) =>
    new Map(
      (
        (await aws().ssm.send(new DescribeInstancePatchStatesCommand({ InstanceIds: ids }))).InstancePatchStates ?? []
      ).map((s) => [s.InstanceId!, s]),
    );
  const command = async (commandId: string) =>
    (await aws().ssm.send(new ListCommandsCommand({ CommandId: commandId }))).Commands![0]!;

  return { byName, send, invocations, states, command };
}
