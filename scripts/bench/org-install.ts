/**
 * The organisation benchmark's install: up to 10,000 Linux instances, spread evenly over the scopes,
 * re-tagged `Patch Group=BULK` through EC2 CreateTags (the SDK, as an operator would), given a new
 * critical patch and rescanned, then `/patch install BULK` (no approval) timed until its card says
 * how it ended.
 */
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { FleetGateway } from '../../src/aws';
import { chunk } from '../../src/shared/concurrency';
import { DEMO_IDS, type SlackStandIn } from '../../packages/sandbox/src/slack';
import { BULK_GROUP, ORG_ACCOUNTS, orgAccessKey, orgScopeName } from './org-config';
import type { RemoteSimulator } from './remote-simulator';

/** What the install's card said, and how many instances it covered. */
export interface InstallRun {
  instances: number;
  wallMs: number;
  /** Whether the card reported success. */
  whole: boolean;
}

const ENDED = new RegExp(
  `Install of ${BULK_GROUP} (succeeded|finished with problems|failed|was cancelled|was not sent)`,
);

function accountOf(gw: FleetGateway): string {
  const index = ORG_ACCOUNTS.findIndex((_, i) => orgScopeName(i) === gw.scope);
  if (index < 0) throw new Error(`no account for scope ${gw.scope}`);
  return ORG_ACCOUNTS[index]!;
}

/** Moves up to `count` reachable Linux instances (STG first, then PRD) into BULK, each scope an equal share, all scopes at once; returns how many. */
export async function tagBulk(sim: RemoteSimulator, gateways: readonly FleetGateway[], count: number): Promise<number> {
  const perScope = Math.floor(count / gateways.length);
  const stamp = Date.now().toString(36).toUpperCase();
  const moved = await Promise.all(gateways.map((gw) => tagScope(sim, gw, perScope, stamp)));
  return moved.reduce((a, b) => a + b, 0);
}

async function tagScope(sim: RemoteSimulator, gw: FleetGateway, want: number, stamp: string): Promise<number> {
  const ids: string[] = [];
  for (const tagValue of ['STG', 'PRD']) {
    const members = await gw.listManagedInstances({
      tagKey: 'Patch Group',
      tagValue,
      operatingSystem: 'AMAZON_LINUX_2',
    });
    for (const i of members)
      if (i.ec2State === 'running' && i.pingStatus === 'Online' && ids.length < want) ids.push(i.instanceId);
  }
  if (ids.length === 0) return 0;
  const account = accountOf(gw);
  const ec2 = new EC2Client({
    region: gw.region,
    endpoint: sim.url,
    credentials: { accessKeyId: orgAccessKey(account), secretAccessKey: 'sandbox' },
  });
  try {
    for (const batch of chunk(ids, 1000))
      await ec2.send(new CreateTagsCommand({ Resources: batch, Tags: [{ Key: 'Patch Group', Value: BULK_GROUP }] }));
  } finally {
    ec2.destroy();
  }
  // Something to install, and a fresh scan so SSM reports the instances under their new patch group.
  await sim.releasePatch(
    {
      title: `ALAS2-BULK-${stamp}`,
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 40,
      instanceIds: ids,
      rescan: true,
    },
    { account, region: gw.region },
  );
  return ids.length;
}

/** `/patch install BULK` as alice; resolves with the wall time until the card says it ended. */
export async function installBulk(slack: SlackStandIn, timeoutMs: number): Promise<Omit<InstallRun, 'instances'>> {
  const { users, channels } = DEMO_IDS;
  const seen = new Set(slack.messages(channels.stg).map((m) => m.ts));
  const started = performance.now();
  const asked = await slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'install BULK' });
  if (asked.status !== 200) throw new Error(`/patch install ${BULK_GROUP} answered ${asked.status}`);
  const card = await slack.driver.waitForMessage(channels.stg, (m) => !seen.has(m.ts) && ENDED.test(m.text), timeoutMs);
  return { wallMs: Math.round(performance.now() - started), whole: /succeeded/.test(ENDED.exec(card.text)?.[1] ?? '') };
}
