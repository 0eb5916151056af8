/**
 * The fleet benchmark's scenarios: how each answer is awaited and judged whole, the fewest AWS calls each
 * could make, and the patch release that changes part of the fleet before a compliance poll.
 */
import { LIMITS, type FleetGateway } from '../../src/aws';
import type { PatchbotConfig } from '../../src/config';
import { DEMO_IDS, type SlackStandIn } from '../../packages/sandbox/src/slack';
import type { ChildPart } from './child';
import { ACCOUNTS } from './fleet-config';
import { countGroup, minimumGroupRead, minimumOtherSpelling, pages } from './minimum';
import type { RemoteSimulator } from './remote-simulator';

/** What a failed or unread scope looks like in an answer. */
export const FAILURE_TEXT = /could not be read|could not reach|not authorized|AccessDenied|Throttl|failed in /i;
const { users, channels } = DEMO_IDS;

/** `/patch status PRD public` as alice (posted, so the answer is a chat.postMessage); resolves when the answer arrives, true when it shows no failed scope. */
export async function statusAnswer(slack: SlackStandIn): Promise<boolean> {
  const from = slack.calls('chat.postMessage').length;
  await slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'status PRD public' });
  const answer = await slack.driver.waitFor(() => slack.calls('chat.postMessage')[from], 120_000, 'the status answer');
  return /PRD/.test(JSON.stringify(answer.args)) && !FAILURE_TEXT.test(JSON.stringify(answer.args));
}

/** Runs a job and reads what it posted; true when nothing it posted reports a failed scope. */
export async function jobAnswer(bot: ChildPart<unknown>, slack: SlackStandIn, job: string): Promise<boolean> {
  const from = slack.calls().length;
  await bot.request({ job });
  const posted = slack
    .calls()
    .slice(from)
    .filter((c) => c.method.startsWith('chat.'));
  return posted.length > 0 && posted.every((c) => !FAILURE_TEXT.test(JSON.stringify(c.args)));
}

/** The fewest AWS calls `status PRD` can make: PRD's reads and the other tag spelling's. */
export async function minimumStatus(gateways: readonly FleetGateway[], config: PatchbotConfig): Promise<number> {
  const prd = config.groups.find((g) => g.name === 'PRD')!;
  return minimumGroupRead(await countGroup(gateways, prd)) + (await minimumOtherSpelling(gateways, prd));
}

/** The fewest AWS calls that read every group once (the digest). */
export async function minimumAllGroups(gateways: readonly FleetGateway[], config: PatchbotConfig): Promise<number> {
  let n = 0;
  for (const group of config.groups) n += minimumGroupRead(await countGroup(gateways, group));
  return n;
}

/** A changed instance and the gateway it lives in. */
export interface Changed {
  gateway: FleetGateway;
  instanceIds: string[];
}

/** The fewest AWS calls a compliance poll can make: every group read, and the patch lists of the changed instances. */
export async function minimumPoll(
  gateways: readonly FleetGateway[],
  config: PatchbotConfig,
  changed: readonly Changed[],
): Promise<number> {
  let detail = 0;
  for (const c of changed) {
    // Only the patches not installed are needed, so that is the list the minimum pages through.
    const patches = await c.gateway.listInstancePatches(c.instanceIds, ['Missing', 'Failed']);
    for (const list of patches.values()) detail += pages(list.length, LIMITS.instancePatchesPage);
  }
  return (await minimumAllGroups(gateways, config)) + detail;
}

/** Releases a new critical patch to `share` of each scope's Linux instances and rescans them; returns the instances whose reported state changed. */
export async function releaseToSome(
  sim: RemoteSimulator,
  gateways: readonly FleetGateway[],
  config: PatchbotConfig,
  share: number,
): Promise<Changed[]> {
  const changed: Changed[] = [];
  const stamp = Date.now().toString(36).toUpperCase();
  const linux = config.groups
    .filter((g) => g.operatingSystem === 'AMAZON_LINUX_2')
    .map((g) => ({ tagKey: g.tagKey, tagValue: g.tagValue, operatingSystem: g.operatingSystem }));
  // "Changed" is what the API lets anyone see: a scan that ended since, with patches not installed,
  // on an instance that is still a managed member of its group (as status and the poll count them).
  // Equal counts after a new scan do not prove an equal patch list, so those instances count too.
  const snapshot = async (gateway: FleetGateway) => {
    const members = new Set(
      (await Promise.all(linux.map((t) => gateway.listManagedInstances(t))))
        .flat()
        .filter((i) => i.ec2State !== 'terminated' && i.ec2State !== 'shutting-down')
        .map((i) => i.instanceId),
    );
    const states = (await Promise.all(linux.map((t) => gateway.listPatchStates(t))))
      .flat()
      .filter((s) => members.has(s.instanceId));
    return new Map(
      states.map((s) => [
        s.instanceId,
        { ended: s.operationEndTime.getTime(), notInstalled: s.missingCount + s.failedCount },
      ]),
    );
  };
  for (const gateway of gateways) {
    const before = await snapshot(gateway);
    const ids = [...before.keys()].filter((_, i) => i % Math.round(1 / share) === 0);
    const account = gateway.scope === 'fleet-a' ? ACCOUNTS[0] : ACCOUNTS[1];
    await sim.releasePatch(
      {
        title: `ALAS2-BENCH-${stamp}`,
        classification: 'Security',
        severity: 'Critical',
        releasedDaysAgo: 30,
        instanceIds: ids,
        rescan: true,
      },
      { account, region: gateway.region },
    );
    const after = await snapshot(gateway);
    changed.push({
      gateway,
      instanceIds: [...after]
        .filter(([id, now]) => now.ended !== before.get(id)?.ended && now.notInstalled > 0)
        .map(([id]) => id),
    });
  }
  return changed;
}
