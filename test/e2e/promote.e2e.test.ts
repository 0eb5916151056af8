/**
 * Issue 17 part 3 through the real Bolt app, signed requests and the real SDK against the simulator:
 * `/patch promote STG PRD` pins PRD's install to exactly what STG's last successful install installed
 * and PRD missed (the InstallOverrideList object the simulator's instances fetched names those and
 * nothing else), a patch PRD's baseline approves but STG never installed stays missing on PRD, a list
 * S3 refuses sends nothing and the card says why, and bad requests get a plain answer and no card.
 */
import {
  DescribeInstancePatchesCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { PatchbotConfig } from '../../src/config';
import { SANDBOX_CREDENTIALS } from '../support/aws';
import { demoConfig, OPERATION_ENDED, readable, settled, startHarness, type Harness } from '../support/bot';
import { approve, channels, requestCard, sends, users } from './approval-helpers';

const BUCKET = 'patchbot-lists';
/** A patch released to PRD only: PRD's baseline approves it, STG never had it. */
const PRD_ONLY = 'ALAS2-2026-4242';

/** The demo config with PRD's install.overrideList set. */
function promoteConfig(): PatchbotConfig {
  const config = demoConfig((t) =>
    t.replace(
      '      maxErrors: "1"\n',
      `      maxErrors: "1"\n      overrideList: { bucket: ${BUCKET}, prefix: promote/lists }\n`,
    ),
  );
  expect(config.groups.find((g) => g.name === 'PRD')?.install.overrideList).toEqual({
    bucket: BUCKET,
    prefix: 'promote/lists',
  });
  return config;
}

/** Each instance of a patch group with its patches in the given states, through SSM's own API. */
async function patchesOf(h: Harness, group: string, states: string[]) {
  const ssm = new SSMClient({ endpoint: h.sim.url, region: 'us-east-1', credentials: SANDBOX_CREDENTIALS });
  try {
    const out = new Map<string, { title: string; kbId: string; installedTime: Date | undefined }[]>();
    const found = await ssm.send(new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: group }));
    for (const s of found.InstancePatchStates ?? []) {
      const list: { title: string; kbId: string; installedTime: Date | undefined }[] = [];
      let token: string | undefined;
      do {
        const page = await ssm.send(
          new DescribeInstancePatchesCommand({
            InstanceId: s.InstanceId,
            Filters: [{ Key: 'State', Values: states }],
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const p of page.Patches ?? [])
          list.push({ title: p.Title ?? '', kbId: p.KBId ?? '', installedTime: p.InstalledTime });
        token = page.NextToken;
      } while (token);
      out.set(s.InstanceId!, list);
    }
    return out;
  } finally {
    ssm.destroy();
  }
}

/** Posts `/patch <text>` as alice in `channel` and returns what she was told privately. */
async function ask(h: Harness, text: string, channel: string = channels.prd): Promise<string> {
  const before = h.slack.responses().length;
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channel, text });
  await settled(h.bot);
  return JSON.stringify(
    h.slack
      .responses()
      .slice(before)
      .map((r) => r.body),
  );
}

/** Top-level messages of a channel whose text matches. */
const cards = (h: Harness, channel: string, match: RegExp) =>
  h.slack.messages(channel).filter((m) => !m.thread_ts && match.test(m.text));

/** Runs `/patch install STG` (no approval there) to its end and returns the operation. */
async function installStg(h: Harness) {
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'install STG' });
  const card = await h.slack.driver.waitForMessage(channels.stg, (m) => /Install .*STG/.test(m.text), 10000);
  const done = await h.slack.driver.waitForUpdate(channels.stg, card.ts, (m) => OPERATION_ENDED.test(m.text), 30000);
  expect(done.text).toMatch(/succeeded/);
  // The card is published before the final status is stored (finishing.ts): wait for the record.
  return h.slack.driver.waitFor(
    async () => {
      const [op] = await h.bot.store.operations.listRecent({ group: 'STG', kind: 'install', limit: 1 });
      return op?.status === 'succeeded' ? op : undefined;
    },
    10000,
    "STG's install recorded as succeeded",
  );
}

describe('/patch promote STG PRD', () => {
  it('pins PRD to exactly what STG installed and PRD missed; a PRD-only patch stays missing', async () => {
    const h = await startHarness({ config: promoteConfig() });
    try {
      h.sim.createBucket(BUCKET);
      h.sim.releasePatch({
        title: PRD_ONLY,
        classification: 'Security',
        severity: 'Critical',
        releasedDaysAgo: 40,
        group: 'PRD',
        rescan: true,
      });
      // Before STG has a successful install there is nothing to promote: a plain answer, no card.
      expect(await ask(h, 'promote STG PRD')).toMatch(/Nothing to promote: STG has no successful install/);
      expect(cards(h, channels.prd, /Install/)).toHaveLength(0);

      const stgOp = await installStg(h);

      // What STG's install installed, and what PRD misses, as SSM reports them (matched by KBId).
      const installedOnStg = new Set<string>();
      for (const list of (await patchesOf(h, 'STG', ['Installed', 'InstalledOther'])).values())
        for (const p of list)
          if (p.installedTime && p.installedTime.getTime() >= stgOp.createdAt.getTime() - 1000)
            installedOnStg.add(p.kbId);
      const prdMissingBefore = new Map<string, Set<string>>();
      for (const [id, list] of await patchesOf(h, 'PRD', ['Missing']))
        prdMissingBefore.set(id, new Set(list.map((p) => p.kbId)));
      const missingAnywhere = new Set([...prdMissingBefore.values()].flatMap((s) => [...s]));
      const expected = [...installedOnStg].filter((k) => missingAnywhere.has(k)).sort();
      const prdOnlyKb = [...(await patchesOf(h, 'PRD', ['Missing'])).values()]
        .flat()
        .find((p) => p.title === PRD_ONLY)?.kbId;
      expect(prdOnlyKb).toBeDefined();
      // The fixture must make both sides of the rule visible: something to promote, something left out.
      expect(expected.length).toBeGreaterThan(0);
      expect(installedOnStg.has(prdOnlyKb!)).toBe(false);

      const card = await requestCard(h, 'promote STG PRD', /Install .*PRD.*waiting for approval/);
      const text = readable(card);
      expect(text).toContain(`Promoted from *STG*`);
      expect(text).toContain(stgOp.id);
      expect(text).not.toContain(PRD_ONLY);
      for (const kb of expected) expect(text).toContain(kb);

      const before = sends(h);
      await approve(h, card.ts, users.bob);
      const done = await h.slack.driver.waitForUpdate(
        channels.prd,
        card.ts,
        (m) => OPERATION_ENDED.test(m.text),
        30000,
      );
      expect(done.text).toMatch(/succeeded|finished with problems/);
      expect(sends(h)).toBe(before + 1);
      const [prdOp] = await h.bot.store.operations.listRecent({ group: 'PRD', kind: 'install', limit: 1 });
      const commandId = prdOp!.commands[0]!.commandId;
      const received = h.sim.overrideList(commandId);
      expect(received?.url).toBe(`s3://${BUCKET}/promote/lists/${prdOp!.id}.yaml`);
      // Linux entries: id name.arch, title the exact version (the simulator's KBId).
      expect(received!.patches.map((p) => p.title).sort()).toEqual(expected);
      for (const p of received!.patches) expect(p.id).toBe(p.title!.split(':')[0]);

      // Afterwards the PRD-only patch is still missing wherever it was; the promoted ones are not.
      // (Only the card's targets were patched: stopped or unreachable PRD instances were left out.)
      const targets = new Set((prdOp!.plan as { targets: { instanceId: string }[] }).targets.map((t) => t.instanceId));
      const after = await patchesOf(h, 'PRD', ['Missing']);
      let left = 0;
      for (const [id, had] of prdMissingBefore) {
        const now = new Set((after.get(id) ?? []).map((p) => p.kbId));
        if (had.has(prdOnlyKb!)) {
          expect(now.has(prdOnlyKb!)).toBe(true);
          left++;
        }
        if (targets.has(id)) for (const kb of expected) expect(now.has(kb)).toBe(false);
      }
      expect(left).toBeGreaterThan(0);

      // Promoting again finds nothing PRD still misses: a plain answer, no card (once PRD's change has ended).
      await h.slack.driver.waitFor(
        async () => ((await h.bot.store.operations.get(prdOp!.id))?.finishedAt ? true : undefined),
        10000,
        "PRD's install recorded as ended",
      );
      const cardsBefore = cards(h, channels.prd, /Install/).length;
      expect(await ask(h, 'promote STG PRD')).toMatch(/Nothing to promote: none of the \d+ patches/);
      expect(cards(h, channels.prd, /Install/)).toHaveLength(cardsBefore);
    } finally {
      await h.close();
    }
  }, 90_000);

  it('a list S3 refuses to store: nothing is sent and the card says why', async () => {
    const h = await startHarness({ config: promoteConfig() });
    try {
      h.sim.createBucket(BUCKET);
      await installStg(h);

      const card = await requestCard(h, 'promote STG PRD', /Install .*PRD.*waiting for approval/);
      h.sim.configure({ deny: [{ action: 's3:PutObject' }] });
      const before = sends(h);
      await approve(h, card.ts, users.bob);
      const done = await h.slack.driver.waitForUpdate(
        channels.prd,
        card.ts,
        (m) => OPERATION_ENDED.test(m.text),
        30000,
      );
      await settled(h.bot);
      expect(sends(h)).toBe(before);
      const shown = readable(done);
      expect(shown).toMatch(/was not sent/);
      expect(shown).toContain(`could not be written to s3://${BUCKET}/promote/lists/`);
      expect(shown).toContain('s3:PutObject');
      // No instance was marked for a change that never went out.
      const [op] = await h.bot.store.operations.listRecent({ group: 'PRD', kind: 'install', limit: 1 });
      expect(op?.status).toBe('failed');
      expect(op?.commands).toEqual([]);
    } finally {
      await h.close();
    }
  }, 90_000);

  it('lost answers: a PutObject is written again to the same object, a SendCommand is looked up, not repeated', async () => {
    const h = await startHarness({ config: promoteConfig(), aws: { sendTimeoutMs: 2_000 } });
    try {
      h.sim.createBucket(BUCKET);
      await installStg(h);
      const card = await requestCard(h, 'promote STG PRD', /Install .*PRD.*waiting for approval/);
      h.sim.configure({
        faults: [
          { action: 's3:PutObject', kind: 'lose-answer', times: 1 },
          { action: 'ssm:SendCommand', kind: 'lose-answer', times: 1 },
        ],
      });
      const writesBefore = h.sim.stats().calls.PutObject ?? 0;
      const sentBefore = h.sim.changes('SendCommand').length;
      await approve(h, card.ts, users.bob);
      const done = await h.slack.driver.waitForUpdate(
        channels.prd,
        card.ts,
        (m) => OPERATION_ENDED.test(m.text),
        60000,
      );
      expect(done.text).toMatch(/succeeded|finished with problems/);
      // The lost write was carried out and written again by the SDK's retry: one object, two calls.
      expect((h.sim.stats().calls.PutObject ?? 0) - writesBefore).toBe(2);
      expect(h.sim.changes('SendCommand').length - sentBefore).toBe(1);
      const [op] = await h.bot.store.operations.listRecent({ group: 'PRD', kind: 'install', limit: 1 });
      expect(op?.commands).toHaveLength(1);
      const key = `promote/lists/${op!.id}.yaml`;
      const object = h.sim.getObject(BUCKET, key);
      expect(object?.body.toString('utf8')).toMatch(/^patches:\n {2}- id: '/);
      const received = h.sim.overrideList(op!.commands[0]!.commandId);
      expect(received?.url).toBe(`s3://${BUCKET}/${key}`);
      const pinned = (op!.plan as { pinned: { patches: { entry: { id: string; title?: string } }[] } }).pinned;
      expect(received?.patches).toEqual(pinned.patches.map((p) => p.entry));
    } finally {
      await h.close();
    }
  }, 120_000);

  it('bad requests: no setting, the same group twice, an unknown group, a missing target', async () => {
    const h = await startHarness();
    try {
      expect(await ask(h, 'promote STG PRD')).toContain(
        'Add groups.PRD.install.overrideList: { bucket: your-bucket-name, prefix: patchbot/override-lists }',
      );
      expect(await ask(h, 'promote PRD PRD')).toMatch(/PRD cannot be promoted onto itself/);
      expect(await ask(h, 'promote STG PDR')).toMatch(/Unknown group .*PDR.*Did you mean PRD/);
      expect(await ask(h, 'promote STG')).toMatch(/Promote STG onto which group\? Groups: PRD, WIN/);
      expect(cards(h, channels.prd, /Install/)).toHaveLength(0);
      expect(sends(h)).toBe(0);
    } finally {
      await h.close();
    }
  }, 60_000);
});
