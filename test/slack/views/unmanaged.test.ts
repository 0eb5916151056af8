/** Instances SSM does not manage, as status and the digest show them: counts first, names not ids, escaped, capped. */
import type { UnmanagedInstances } from '../../../src/patching/unmanaged';
import { statusView } from '../../../src/slack/views/status';
import { digestView } from '../../../src/slack/views';
import {
  NAMES_PER_PLACE,
  unmanagedDigestShort,
  unmanagedDigestText,
  unmanagedSection,
  unmanagedThread,
} from '../../../src/slack/views/unmanaged';
import { EVIL_NAME, NOW, expectNamesNotIds, expectWithinLimits, readable, smallStatus, unreachable } from './fixtures';
import type { DigestData } from '../../../src/patching/poll/poll-results';

const id = (n: number) => `i-0feed${n.toString(16).padStart(12, '0')}`;

function unmanaged(
  places: Array<{ scope: string; account?: string; region: string; names: Array<string | undefined> }>,
): UnmanagedInstances {
  let n = 0;
  return {
    total: places.reduce((t, p) => t + p.names.length, 0),
    places: places.map((p) => ({
      scope: p.scope,
      ...(p.account ? { account: p.account } : {}),
      region: p.region,
      instances: p.names.map((name) => ({
        instanceId: id(++n),
        ...(name !== undefined ? { name } : {}),
        scope: p.scope,
        region: p.region,
      })),
    })),
  };
}

const two = unmanaged([
  { scope: 'prod', account: '111111111111', region: 'us-east-1', names: ['prd-legacy-1', undefined] },
  { scope: 'dr', region: 'eu-west-1', names: ['prd-dr-9'] },
]);

describe('unmanaged instances in /patch status', () => {
  const m = statusView(smallStatus({ unmanaged: two }));
  const text = readable(m);

  it('gives the count first, names SSM.1 and says what to do', () => {
    expectWithinLimits(m);
    expect(text).toContain(
      '🛡 *3 instances not managed by SSM* (Security Hub SSM.1) — tagged for PRD in EC2, but no SSM agent has registered them',
    );
    expect(text).toContain('AmazonSSMManagedInstanceCore');
    expect(text).toContain('instance profile');
  });

  it('lists them per account and region, by name, and by id only where there is no name', () => {
    expect(text).toContain('• *prod* (111111111111) · us-east-1 — 2: *prd-legacy-1*, `i-0feed000000000002`');
    expect(text).toContain('• *dr* · eu-west-1 — 1: *prd-dr-9*');
    expect(text).not.toContain(id(1));
    expect(text).not.toContain(id(3));
    expect(m.thread ?? []).toHaveLength(0);
    expectNamesNotIds(m);
  });

  it('shows nothing when every instance is managed', () => {
    expect(readable(statusView(smallStatus()))).not.toContain('not managed by SSM');
    expect(unmanagedSection('PRD', undefined)).toBeUndefined();
  });

  it('escapes names, scopes and regions', () => {
    const evil = unmanaged([{ scope: EVIL_NAME, account: '111111111111', region: 'us-east-1', names: [EVIL_NAME] }]);
    const e = statusView(smallStatus({ group: EVIL_NAME, unmanaged: evil }));
    expectWithinLimits(e);
    const json = JSON.stringify(e);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U0ALICE001>');
    expect(readable(e)).toContain('&lt;!channel&gt; &lt;@U0ALICE001&gt;');
    expect(unmanagedDigestText(evil)).not.toContain('<!channel>');
  });

  it('caps names per place and places per message with "…and N more", the full list in the thread', () => {
    const many = unmanaged(
      Array.from({ length: 40 }, (_, p) => ({
        scope: `scope-${p}`,
        account: String(100000000000 + p),
        region: 'us-east-1',
        names: Array.from({ length: 250 }, (_, i) => `host-${p}-${i}`),
      })),
    );
    const big = statusView(smallStatus({ unmanaged: many }));
    expectWithinLimits(big);
    const t = readable(big);
    expect(t).toContain('🛡 *10,000 instances not managed by SSM*');
    expect(t).toContain('— 250: *host-0-0*, *host-0-1*, *host-0-2*, *host-0-3*, *host-0-4* …and 245 more');
    expect(t).toContain(`…and ${250 - NAMES_PER_PLACE} more`);
    expect(t).toMatch(/…and \d+ more \(see the thread\)/);
    const thread = unmanagedThread('PRD', many);
    expect(thread.length).toBeGreaterThan(0);
    expect(thread.length).toBeLessThanOrEqual(3);
    for (const reply of thread) expectWithinLimits(reply, 'thread');
    expect(readable(thread[0]!)).toContain('PRD · instances not managed by SSM (SSM.1)');
    expect(readable(thread.at(-1)!)).toContain('more not listed here');
  });
});

describe('unmanaged instances are named once in /patch status', () => {
  /** The unmanaged instances as the domain also counts them: unreachable, no agent registration. */
  const asUnreachable = (u: UnmanagedInstances) =>
    u.places.flatMap((p) =>
      p.instances.map((i) => ({ ...i, pingStatus: undefined, ec2State: 'running', lastPingAt: undefined })),
    );
  const stopped = { ...unreachable(4, 'batch-prd-01'), ec2State: 'stopped' };
  const statusWith = (u: UnmanagedInstances, others: ReturnType<typeof unreachable>[]) => {
    const base = smallStatus();
    const all = [...others, ...asUnreachable(u)];
    return statusView(
      smallStatus({ unmanaged: u, unreachable: all, counts: { ...base.counts, unreachable: all.length } }),
    );
  };
  const times = (text: string, word: string) => text.split(word).length - 1;

  it('leaves them out of the unreachable list, which still counts them and says where they are', () => {
    const m = statusWith(two, [stopped]);
    const text = readable(m);
    expectWithinLimits(m);
    expect(times(text, 'prd-legacy-1')).toBe(1);
    expect(times(text, 'prd-dr-9')).toBe(1);
    expect(times(text, 'i-0feed000000000002')).toBe(1);
    expect(text).not.toContain('no agent registration');
    // The counts stay as the domain gives them: 4 unreachable, 3 of them unmanaged, the other one listed.
    expect(text).toContain('*Unreachable*\n4 (1 stopped)');
    expect(text).toContain('4 unreachable (1 stopped)');
    expect(text).toContain(
      '*Unreachable (4)* — SSM cannot scan or patch these (3 not managed by SSM, listed below):\n• *batch-prd-01* `i-00000000000000004` · prod · us-east-1 — EC2 stopped',
    );
    expect(text).toContain('🛡 *3 instances not managed by SSM*');
  });

  it('when every unreachable instance is unmanaged, says so in one line with no list', () => {
    const m = statusWith(two, []);
    const text = readable(m);
    expect(text).toContain('*Unreachable (3)* — SSM cannot scan or patch these (3 not managed by SSM, listed below)');
    expect(times(text, 'prd-legacy-1')).toBe(1);
    expect(text).not.toContain('no agent registration');
  });

  it('puts no unmanaged instance in an unreachable thread either', () => {
    const many = unmanaged([
      { scope: 'prod', region: 'us-east-1', names: Array.from({ length: 30 }, (_, i) => `legacy-${i}`) },
    ]);
    const m = statusWith(many, [stopped]);
    const threadText = (m.thread ?? []).map(readable).join('\n');
    expect(threadText).not.toContain('unreachable instances');
    expect(threadText).not.toContain('no agent registration');
    expect(threadText).toContain('PRD · instances not managed by SSM (SSM.1)');
    expect(readable(m)).toContain(
      '*Unreachable (31)* — SSM cannot scan or patch these (30 not managed by SSM, listed below):',
    );
  });
});

describe('unmanaged instances in the digest', () => {
  const data: DigestData = {
    channel: 'C0PATCHING',
    generatedAt: NOW,
    since: undefined,
    failures: [],
    groups: [
      {
        group: 'PRD',
        instances: 10,
        compliant: 9,
        nonCompliant: 1,
        rate: 0.9,
        missingBySeverity: { critical: 0, security: 1, other: 0 },
        changeSinceLast: undefined,
        mostMissed: [],
        windowRuns: [],
        pendingApprovals: [],
        staleScans: 0,
        unreachable: 3,
        unmanaged: two,
      },
    ],
  };

  it('lists them per group with where they are', () => {
    const m = digestView(data, NOW);
    expectWithinLimits(m);
    expect(readable(m)).toContain(
      '🛡 3 not managed by SSM (SSM.1) — *prod* (111111111111) · us-east-1: *prd-legacy-1*, `i-0feed000000000002`; *dr* · eu-west-1: *prd-dr-9*',
    );
    expectNamesNotIds(m);
  });

  it('caps names and places', () => {
    const many = unmanaged(
      Array.from({ length: 4 }, (_, p) => ({ scope: `s${p}`, region: 'us-east-1', names: ['a', 'b', 'c', 'd', 'e'] })),
    );
    expect(unmanagedDigestText(many)).toBe(
      '🛡 20 not managed by SSM (SSM.1) — *s0* · us-east-1: *a*, *b*, *c* …and 2 more; *s1* · us-east-1: *a*, *b*, *c* …and 2 more; …and 2 more accounts or regions',
    );
    expect(unmanagedDigestShort(many)).toBe('🛡 20 not managed by SSM');
    expect(unmanagedDigestText(undefined)).toBe('');
  });
});
