/**
 * What a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --only org --cpu-prof-dir DIR`)
 * says the process spent its time on: time by package or project folder, the functions with the
 * most time of their own, and the longest stretches one piece of work held the event loop (samples
 * in a row under the same first project or library frame, garbage collection inside them included).
 *
 *   node --import tsx scripts/bench/profile-summary.ts FILE.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** The parts of a .cpuprofile this reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

/** Frames V8 and Node put around the work itself. */
const PLUMBING = new Set([
  '(root)',
  '(program)',
  '(idle)',
  '(garbage collector)',
  'processTicksAndRejections',
  'runMicrotasks',
  'listOnTimeout',
  'processTimers',
  'emit',
  '',
]);

/** The summary's figures, in ms. */
export interface ProfileSummary {
  totalMs: number;
  /** Own time by package (`@aws-sdk/xml-builder`) or project folder (`src/store`), and V8's own entries. */
  byPlace: Array<{ place: string; ms: number }>;
  /** Own time by function. */
  bySelf: Array<{ fn: string; ms: number }>;
  /** The longest runs of consecutive samples under one first non-plumbing frame. */
  longestRuns: Array<{ frame: string; ms: number }>;
}

/** Where a frame's code lives: its npm package, its project folder, or V8's name for it. */
function placeOf(url: string, functionName: string): string {
  if (!url) return functionName || '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules?.[1]) return inModules[1];
  if (url.startsWith('node:')) return 'node';
  const project = /\/(src|scripts|packages)\/([^/]+)\//.exec(url);
  return project ? `${project[1]}/${project[2]}` : url;
}

/** Summarises a profile; `top` rows of each list. */
export function summariseProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number) => {
    const f = byId.get(id)?.callFrame;
    if (!f) return '?';
    const file = f.url.replace(/^.*node_modules\//, '').replace(/^.*\/(src|scripts|packages)\//, '$1/');
    return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
  };
  /** The outermost frame of a sample that is not plumbing: which piece of work it belongs to. */
  const workOf = (id: number): number | undefined => {
    const path: number[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) path.push(at);
    return path.reverse().find((x) => !PLUMBING.has(byId.get(x)?.callFrame.functionName ?? ''));
  };
  const places = new Map<string, number>();
  const selves = new Map<string, number>();
  const runs: Array<{ frame: string; ms: number }> = [];
  let run: { work: number; us: number } | undefined;
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    totalUs += us;
    const f = byId.get(id)?.callFrame;
    const place = placeOf(f?.url ?? '', f?.functionName ?? '');
    places.set(place, (places.get(place) ?? 0) + us);
    selves.set(label(id), (selves.get(label(id)) ?? 0) + us);
    // Collection inside a stretch belongs to it; idle time ends one.
    if (f?.functionName === '(garbage collector)' && run) {
      run.us += us;
      return;
    }
    const work = f?.functionName === '(idle)' ? undefined : workOf(id);
    if (run && work === run.work) run.us += us;
    else {
      if (run) runs.push({ frame: label(run.work), ms: run.us / 1000 });
      run = work === undefined ? undefined : { work, us };
    }
  });
  if (run) runs.push({ frame: label(run.work), ms: run.us / 1000 });
  const ranked = <K extends string>(m: Map<string, number>, key: K) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ [key]: k, ms: us / 1000 }) as { [P in K]: string } & { ms: number });
  return {
    totalMs: totalUs / 1000,
    byPlace: ranked(places, 'place'),
    bySelf: ranked(selves, 'fn'),
    longestRuns: runs.sort((a, b) => b.ms - a.ms).slice(0, top),
  };
}

/** The summary as text. */
export function renderProfileSummary(s: ProfileSummary): string[] {
  const ms = (n: number) => `${Math.round(n).toLocaleString('en-US')} ms`;
  const pct = (n: number) => `${((100 * n) / s.totalMs).toFixed(1)}%`;
  return [
    `${ms(s.totalMs)} sampled`,
    '',
    'own time by package or folder:',
    ...s.byPlace.map((p) => `  ${ms(p.ms).padStart(10)} ${pct(p.ms).padStart(6)}  ${p.place}`),
    '',
    'own time by function:',
    ...s.bySelf.map((p) => `  ${ms(p.ms).padStart(10)} ${pct(p.ms).padStart(6)}  ${p.fn}`),
    '',
    'longest stretches one piece of work held the event loop:',
    ...s.longestRuns.map((r) => `  ${ms(r.ms).padStart(10)}  ${r.frame}`),
  ];
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '15' } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!file) throw new Error('usage: profile-summary FILE.cpuprofile [--top N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(`${renderProfileSummary(summariseProfile(profile, Number(values.top))).join('\n')}\n`);
}
