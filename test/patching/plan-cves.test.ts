/** CVE ids from SSM's one CVEIds string to the plan's patch lines. */
import { cveIdList } from '../../src/aws/mappers';
import { plannedPatches } from '../../src/patching';
import type { SnapshotPatch } from '../../src/store';

const patch = (kbId: string, cveIds?: string[]): SnapshotPatch => ({
  title: kbId,
  kbId,
  severity: 'Critical',
  classification: 'Security',
  state: 'Missing',
  ...(cveIds ? { cveIds } : {}),
});

describe('cveIdList', () => {
  it('splits SSM`s CVEIds on commas and whitespace, keeps its order and each id once', () => {
    expect(cveIdList('CVE-2026-0002,CVE-2026-0001, CVE-2026-0002  CVE-2026-0003')).toEqual([
      'CVE-2026-0002',
      'CVE-2026-0001',
      'CVE-2026-0003',
    ]);
    expect(cveIdList('CVE-2026-0001')).toEqual(['CVE-2026-0001']);
    expect(cveIdList('')).toEqual([]);
    expect(cveIdList(undefined)).toEqual([]);
  });
});

describe('plannedPatches', () => {
  it('names each id any target reports for a patch, once, and none for a patch without ids', () => {
    const lines = plannedPatches([
      [patch('A', ['CVE-1', 'CVE-2']), patch('B')],
      [patch('A', ['CVE-2', 'CVE-3']), patch('B', [])],
    ]);
    expect(lines.find((l) => l.kbId === 'A')).toMatchObject({ instances: 2, cveIds: ['CVE-1', 'CVE-2', 'CVE-3'] });
    expect(lines.find((l) => l.kbId === 'B')).toMatchObject({ instances: 2 });
    expect(lines.find((l) => l.kbId === 'B')?.cveIds).toBeUndefined();
  });
});
