/** The App Home view: names, not ids, and everything from AWS or users escaped. */
import type { HomeData } from '../../../src/patching/home';
import type { Operation } from '../../../src/store';
import { homeView } from '../../../src/slack/views/home';
import { expectNamesNotIds } from './fixtures';
import { ALICE, BOB, STG_CHANNEL } from './names-fixtures';

const NOW = new Date('2026-03-01T10:00:00Z');

function op(over: Partial<Operation>): Operation {
  return {
    id: 'op-7k2m9q',
    kind: 'install',
    group: 'STG',
    status: 'pending',
    requestedBy: ALICE,
    channel: STG_CHANNEL,
    messageTs: '1.2',
    params: {},
    plan: null,
    commands: [],
    result: null,
    error: null,
    createdAt: NOW,
    updatedAt: NOW,
    expiresAt: new Date(NOW.getTime() + 3_600_000),
    finishedAt: null,
    version: 1,
    ...over,
  };
}

const data: HomeData = {
  viewer: BOB,
  at: NOW,
  visibleGroups: ['STG'],
  pending: [
    { op: op({}), role: 'decide', approvals: 0, minApprovals: 1 },
    { op: op({ id: 'op-own111', requestedBy: BOB }), role: 'own', approvals: 0, minApprovals: 1 },
  ],
  running: [op({ id: 'op-run222', status: 'running' })],
  tiles: [
    {
      group: 'STG',
      instances: 4,
      compliant: 3,
      critical: 1,
      security: 0,
      other: 0,
      pendingReboot: 0,
      unreachable: 1,
      lastScanAt: new Date(NOW.getTime() - 7_200_000),
      lastWindow: { name: 'patch <stg> & *co*', status: 'FAILED', endedAt: NOW },
    },
  ],
  estate: {
    instances: 4,
    compliant: 3,
    places: [{ scope: 'prod <eu>', region: 'eu-west-1', instances: 4, compliant: 3 }],
  },
};

describe('the App Home view', () => {
  const view = homeView(data);
  const text = JSON.stringify(view.blocks);

  it('names people and channels, never raw ids', () => {
    expectNamesNotIds({ text: '', blocks: view.blocks });
    expect(text).toContain(`requested by <@${ALICE}>`);
    expect(text).toContain(`card in <#${STG_CHANNEL}>`);
  });

  it('escapes what comes from AWS', () => {
    expect(text).toContain('patch &lt;stg&gt; &amp; *co*');
    expect(text).toContain('prod &lt;eu&gt;');
    expect(text).not.toContain('<stg>');
  });

  it('puts Approve and Reject only under changes the viewer may decide', () => {
    const buttons = view.blocks.filter((b) => b.type === 'actions');
    expect(buttons).toHaveLength(1);
    expect(JSON.stringify(buttons[0])).toContain('op-7k2m9q');
    expect(text).toContain('your request, waiting for someone else');
    expect(text).toMatch(/Running now\* \(1\)/);
    expect(text).toContain('75% compliant (3 of 4 instances)');
  });
});
