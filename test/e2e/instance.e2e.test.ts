/**
 * `/patch instance` through the real Bolt app and SDK against the simulator: by Name tag and by id,
 * an unknown name, a name two instances carry, a non-operator, a scope that fails beside the one that
 * answers, and the operations that touched an instance with its own outcome in each.
 */
import { GROUPS, sandboxFleet } from '../support/aws';
import {
  DEMO_IDS,
  OPERATION_ENDED,
  demoConfig,
  privateAnswer,
  readable,
  startHarness,
  type Harness,
} from '../support/bot';

const { users, channels } = DEMO_IDS;

/** Sends `/patch <text>` and returns what the user saw privately (its own response_url only). */
/** Instance ids by Name tag in the default partition's STG and PRD groups. */
async function idsByName(h: Harness): Promise<Map<string, string>> {
  const fleet = sandboxFleet(h.sim.url);
  try {
    const gw = fleet.gateways[0]!;
    const all = [...(await gw.listManagedInstances(GROUPS.PRD)), ...(await gw.listManagedInstances(GROUPS.STG))];
    return new Map(all.map((i) => [i.name ?? i.instanceId, i.instanceId]));
  } finally {
    fleet.close();
  }
}

describe('/patch instance', () => {
  let h: Harness;
  let ids: Map<string, string>;
  beforeAll(async () => {
    h = await startHarness();
    ids = await idsByName(h);
  });
  afterAll(() => h.close());

  it('prd-web-3 shows its agent, group, scan time and its missing patches with their CVE ids, worst first', async () => {
    const fleet = sandboxFleet(h.sim.url);
    const id = ids.get('prd-web-3')!;
    const patches = (await fleet.gateways[0]!.listInstancePatches([id], ['Missing'])).get(id)!;
    fleet.close();
    const cves = patches.flatMap((p) => p.cveIds);
    expect(patches.length).toBeGreaterThan(0);
    expect(cves.length).toBeGreaterThan(0);

    const text = await privateAnswer(h, 'instance prd-web-3');
    expect(text).toContain('Instance prd-web-3');
    expect(text).toContain(id);
    expect(text).toMatch(/group \*PRD\*/);
    expect(text).toContain(`${patches.length} missing patch`);
    expect(text).toMatch(/Agent\*\\nOnline/);
    expect(text).toMatch(/Last scan\*\\n\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(text).toMatch(/Platform\*\\nAmazon Linux/);
    // Its latest operation was a scan: the last install is its newest installed patch's InstalledTime.
    expect(text).toMatch(/Last install\*\\n\d{4}-\d\d-\d\d \d\d:\d\d UTC \([^)]*\) \(its newest installed patch\)/);
    // Every missing patch fits under the glance cap here, each with its first CVE ids.
    const shown = patches.filter((p) => text.includes(p.title));
    expect(shown.length).toBe(Math.min(patches.length, 15));
    for (const p of shown) for (const cve of p.cveIds.slice(0, 5)) expect(text).toContain(cve);
  });

  it('finds the same instance by its id, in any case, with one call of each read', async () => {
    const id = ids.get('prd-web-3')!;
    const before = { ...h.sim.stats().calls };
    const text = await privateAnswer(h, `instance ${id.toUpperCase().replace('I-', 'i-')}`);
    const after = h.sim.stats().calls;
    const calls = Object.fromEntries(
      Object.entries(after)
        .map(([k, v]) => [k, v - (before[k] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    expect(calls).toEqual({
      DescribeInstances: 1,
      DescribeInstanceInformation: 1,
      DescribeInstancePatchStates: 1,
      DescribeInstancePatches: 1,
    });
    expect(text).toContain('Instance prd-web-3');
    expect(text).toContain(id);
  });

  it('an unknown name says so, with where it looked and how to find the names', async () => {
    const text = await privateAnswer(h, 'instance prd-web-33');
    expect(text).toMatch(/No instance named .*prd-web-33/);
    expect(text).toMatch(/\*STG\*, \*PRD\*, \*WIN\*/);
    expect(text).toMatch(/Check the spelling/);
    expect(text).toContain('/patch status STG');
  });

  it('a malformed id is refused with what an id looks like; no instance is refused with the usage', async () => {
    expect(await privateAnswer(h, 'instance i-0abc')).toMatch(/not an instance id: an id is i- and 8 or 17/);
    expect(await privateAnswer(h, 'instance')).toMatch(
      /Which instance\?.*\/patch instance &lt;Name tag \| instance id&gt;/,
    );
  });

  it('a non-operator is refused', async () => {
    expect(await privateAnswer(h, 'instance prd-web-3', users.mallory)).toMatch(/not an operator/);
  });

  it('an install that touched an instance shows its outcome on that instance', async () => {
    h.sim.setInstance(ids.get('stg-app-1')!, { failNext: true });
    const seen = new Set(h.slack.messages(channels.stg).map((m) => m.ts));
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.stg, text: 'install STG' });
    const card = await h.slack.driver.waitForMessage(
      channels.stg,
      (m) => !seen.has(m.ts) && /Install of STG/.test(m.text),
      10000,
    );
    await h.slack.driver.waitForUpdate(channels.stg, card.ts, (m) => OPERATION_ENDED.test(m.text), 20000);
    const opId = /op-[0-9a-z]{6}/.exec(readable(card))?.[0];
    expect(opId).toBeDefined();

    const failed = await privateAnswer(h, 'instance stg-app-1');
    expect(failed).toMatch(new RegExp(`${opId}\` install · failed on it`));
    const other = await privateAnswer(h, 'instance stg-web-2');
    expect(other).toMatch(new RegExp(`${opId}\` install · no failure recorded on it; the operation failed`));
    expect(other).toContain(`<@${users.alice}>`);
    // stg-batch-1 is stopped: the plan left it out, and says why.
    const stopped = await privateAnswer(h, 'instance stg-batch-1');
    expect(stopped).toMatch(new RegExp(`${opId}\` install · left it out: `));
    // An instance no plan named: no operation listed.
    expect(await privateAnswer(h, 'instance prd-web-1')).toMatch(
      /No patchbot operation among \*PRD\*'s last \d+ names this instance/,
    );
  });

  it('a name two instances carry lists both with their id, group and place, and says how to choose', async () => {
    h.sim.setInstance(ids.get('prd-web-2')!, { tags: { Name: 'prd-web-3' } });
    try {
      const text = await privateAnswer(h, 'instance prd-web-3');
      expect(text).toContain('Which instance?');
      expect(text).toMatch(/2 instances match .{0,4}prd-web-3/);
      expect(text).toContain(ids.get('prd-web-3')!);
      expect(text).toContain(ids.get('prd-web-2')!);
      expect(text).toMatch(/group \*PRD\* · sandbox · us-east-1/);
      expect(text).toContain('/patch instance i-…');
    } finally {
      h.sim.setInstance(ids.get('prd-web-2')!, { tags: { Name: 'prd-web-2' } });
    }
  });
});

describe('/patch instance across scopes', () => {
  const PARTNER = '210987654321';
  const PARTNER_SCOPE = `    - name: partner
      roleArn: arn:aws:iam::${PARTNER}:role/patchbot
      regions: [us-east-1]
`;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      sim: {
        fleets: [
          { account: '123456789012', region: 'us-east-1', seed: 11 },
          { account: PARTNER, region: 'us-east-1', seed: 12 },
        ],
      },
      config: demoConfig((t) => t.replace(/( {6}regions: \[us-east-1\]\n)/, `$1${PARTNER_SCOPE}`)),
    });
  });
  afterAll(() => h.close());

  it('the same name in two accounts is ambiguous, each with its scope', async () => {
    const text = await privateAnswer(h, 'instance prd-web-3');
    expect(text).toMatch(/2 instances match .{0,4}prd-web-3/);
    expect(text).toContain('sandbox · us-east-1');
    expect(text).toContain('partner · us-east-1');
  });

  it('a scope that fails is named beside the instance the other scope found', async () => {
    h.sim.configure({ deny: [{ action: 'ec2:DescribeInstances', account: PARTNER }] });
    const text = await privateAnswer(h, 'instance prd-web-3');
    expect(text).toContain('Instance prd-web-3');
    expect(text).toMatch(/These scopes could not be searched/);
    expect(text).toMatch(/\*partner · us-east-1\*/);
    expect(text).toContain('ec2:DescribeInstances');
  });
});
