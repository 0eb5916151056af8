import { type CpuProfile, renderProfileSummary, summariseProfile } from '../../scripts/bench/profile-summary';

const frame = (id: number, functionName: string, url = '', children: number[] = []) => ({
  id,
  callFrame: { functionName, url, lineNumber: id },
  children,
});

/** root → processTicksAndRejections → parse (xml-builder) ; root → readGroup (src/aws) ; GC ; idle. */
const profile: CpuProfile = {
  nodes: [
    frame(1, '(root)', '', [2, 4, 5, 6]),
    frame(2, 'processTicksAndRejections', 'node:internal/process/task_queues', [3]),
    frame(3, 'parseXML', 'file:///app/node_modules/@aws-sdk/xml-builder/dist-cjs/index.js'),
    frame(4, 'readGroup', 'file:///app/src/aws/group-read.ts'),
    frame(5, '(garbage collector)'),
    frame(6, '(idle)'),
  ],
  // parse, parse, GC (inside the parse stretch), parse, idle, readGroup, parse
  samples: [3, 3, 5, 3, 6, 4, 3],
  timeDeltas: [1000, 1000, 2000, 1000, 5000, 3000, 1000],
};

describe('summariseProfile', () => {
  const s = summariseProfile(profile);

  it('adds up own time by package, project folder and V8 entry', () => {
    expect(s.totalMs).toBe(14);
    expect(s.byPlace).toEqual([
      { place: '(idle)', ms: 5 },
      { place: '@aws-sdk/xml-builder', ms: 4 },
      { place: 'src/aws', ms: 3 },
      { place: '(garbage collector)', ms: 2 },
    ]);
  });

  it('finds the longest stretch one piece of work held, collection inside it included, idle ending it', () => {
    expect(s.longestRuns[0]).toEqual({ frame: 'parseXML @aws-sdk/xml-builder/dist-cjs/index.js:4', ms: 5 });
    expect(s.longestRuns.map((r) => r.ms)).toEqual([5, 3, 1]);
  });

  it('renders shares of the whole', () => {
    expect(renderProfileSummary(s).join('\n')).toContain('4 ms  28.6%  @aws-sdk/xml-builder');
  });
});
