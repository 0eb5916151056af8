/** `/patch status`: instances tagged with the other spelling of the group's tag key, as a person reads them. */
import type { InstanceLine } from '../../../src/patching/record-schemas';
import { statusView } from '../../../src/slack/views/status';
import { EVIL_NAME, expectWithinLimits, readable, smallStatus } from './fixtures';

function line(n: number, name?: string): InstanceLine {
  return { instanceId: `i-${String(n).padStart(17, '0')}`, name, scope: 'default', region: 'us-east-1' };
}

const other = (instances: InstanceLine[]) => ({
  tagKey: 'PatchGroup',
  tagValue: 'PRD',
  groupTagKey: 'Patch Group',
  instances,
});

describe('statusView: the other tag spelling', () => {
  it('says how many, why they are left out and what to do, then names them by Name tag and id', () => {
    const m = statusView(smallStatus({ otherSpelling: other([line(21, 'prd-db-2'), line(22)]) }));
    expectWithinLimits(m);
    const text = readable(m);
    expect(text).toContain(
      "⚠ *2 instances are tagged PatchGroup=PRD and are not part of this group* — SSM counts them in patch group PRD, but the group's commands target the tag Patch Group; retag them Patch Group=PRD to include them:",
    );
    expect(text).toContain('• *prd-db-2* `i-00000000000000021`');
    expect(text).toContain('• `i-00000000000000022`');
  });

  it('is absent when there are none, and spoils an otherwise all-good verdict', () => {
    expect(readable(statusView(smallStatus()))).not.toContain('not part of this group');
    const clean = {
      nonCompliant: [],
      unreachable: [],
      stale: [],
      counts: { ...smallStatus().counts, nonCompliant: 0, unreachable: 0, stopped: 0 },
    };
    expect(statusView(smallStatus(clean)).text).toMatch(/^✅/);
    expect(statusView(smallStatus({ ...clean, otherSpelling: other([line(1)]) })).text).toMatch(/^⚠️/);
  });

  it('escapes names and values, and puts a long list in the thread', () => {
    const evil = statusView(smallStatus({ otherSpelling: { ...other([line(1, EVIL_NAME)]), tagValue: '<!channel>' } }));
    expect(JSON.stringify(evil.blocks)).not.toContain('<!channel>');
    const many = statusView(
      smallStatus({ otherSpelling: other(Array.from({ length: 40 }, (_, i) => line(i + 1, `prd-${i + 1}`))) }),
    );
    expectWithinLimits(many);
    expect(readable(many)).toMatch(/…and \d+ more \(see the thread\)/);
    const thread = (many.thread ?? []).map(readable).join('\n');
    expect(thread).toContain('PRD · instances tagged PatchGroup=PRD, not part of the group');
    expect(thread).toContain('*prd-40*');
  });
});
