/** The organisation section of docs/benchmarks.md: per-size figures, growth, the throttled poll and acknowledgement, each against its target. */
import { atMost, growthExponent, ORG_TARGETS, ratio } from './org-figures';
import type { OrgResult, OrgRow, OrgSize } from './org-scale';
import { senderFigures, servedP99s } from './org-ack';

const fmt = (n: number) => n.toLocaleString('en-US');
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : 'n/a');
const e = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

/** The answers each size measures, in the order they ran, and whether the call target applies. */
const ANSWERS: Array<{ key: keyof Pick<OrgSize, 'statusPrd' | 'firstPoll' | 'quietPoll' | 'digest'>; name: string }> = [
  { key: 'statusPrd', name: 'status PRD (cold)' },
  { key: 'firstPoll', name: 'first poll (records the snapshot)' },
  { key: 'quietPoll', name: 'quiet poll' },
  { key: 'digest', name: 'digest, right after the poll' },
];

function callsVerdict(r: OrgRow): string {
  if (r.minimum === undefined) return 'not held to one';
  if (r.minimum > 0 && r.calls === 0) return 'met (reused the read)';
  return atMost(ratio(r.calls, r.minimum), ORG_TARGETS.callRatio);
}

function answerRow(size: number, name: string, r: OrgRow): string {
  const min = r.minimum === undefined ? '—' : fmt(r.minimum);
  const before = r.before === undefined ? '—' : `${fmt(r.before)} (${x(ratio(r.calls, r.before))})`;
  return `| ${fmt(size)} | ${name} | ${fmt(r.wallMs)} ms | ${fmt(r.calls)} | ${min} | ${r.minimum === undefined ? '—' : x(ratio(r.calls, r.minimum))} | ${before} | ${r.whole ? 'yes' : '**no**'} | ${callsVerdict(r)} |`;
}

/** Growth exponents of wall time and calls for one answer between two sizes. */
function growthRow(name: string, a: OrgSize, b: OrgSize, key: 'statusPrd' | 'quietPoll'): string {
  const wall = growthExponent(a.instances, a[key].wallMs, b.instances, b[key].wallMs);
  const calls = growthExponent(a.instances, a[key].calls, b.instances, b[key].calls);
  return `| ${name} | ${fmt(a.instances)} → ${fmt(b.instances)} | ${e(wall)} | ${atMost(wall, ORG_TARGETS.exponent)} | ${e(calls)} | ${atMost(calls, ORG_TARGETS.exponent)} |`;
}

/** Consecutive size pairs, and smallest to largest when there are more than two sizes. */
export function sizePairs<T>(sizes: readonly T[]): Array<[T, T]> {
  const pairs: Array<[T, T]> = sizes.slice(1).map((b, i) => [sizes[i]!, b]);
  if (sizes.length > 2) pairs.push([sizes[0]!, sizes.at(-1)!]);
  return pairs;
}

/** The section's summary lines, one per target. */
function summary(result: OrgResult): string[] {
  const largest = result.sizes.at(-1);
  const lines: string[] = [];
  const worst = Math.max(
    ...result.sizes.flatMap((s) =>
      [s.statusPrd, s.quietPoll].map((r) => ratio(r.calls, r.minimum ?? NaN)).filter(Number.isFinite),
    ),
  );
  lines.push(
    `| status and quiet poll: calls at most ${ORG_TARGETS.callRatio}x the minimum at every size | worst ${x(worst)} | ${atMost(worst, ORG_TARGETS.callRatio)} |`,
  );
  if (largest) {
    const share = ratio(largest.quietPoll.calls, largest.quietPoll.before ?? NaN);
    lines.push(
      `| quiet poll of ${fmt(largest.instances)}: at most ${ORG_TARGETS.beforeShare}x the former read's calls | ${fmt(largest.quietPoll.calls)} vs ${fmt(largest.quietPoll.before ?? NaN)} = ${x(share)} | ${atMost(share, ORG_TARGETS.beforeShare)} |`,
    );
    lines.push(
      `| bot's peak RSS at ${fmt(largest.instances)} at most ${ORG_TARGETS.peakRssMb} MB | ${largest.peakRssMb} MB | ${atMost(largest.peakRssMb, ORG_TARGETS.peakRssMb)} |`,
    );
  }
  const first = result.sizes[0];
  if (first && largest && first !== largest) {
    for (const key of ['quietPoll', 'statusPrd'] as const) {
      const wall = growthExponent(first.instances, first[key].wallMs, largest.instances, largest[key].wallMs);
      const calls = growthExponent(first.instances, first[key].calls, largest.instances, largest[key].calls);
      const worstExp = Math.max(wall, calls);
      lines.push(
        `| ${key === 'quietPoll' ? 'quiet poll' : 'status PRD'}: growth exponent ${fmt(first.instances)} → ${fmt(largest.instances)} at most ${ORG_TARGETS.exponent} | wall ${e(wall)}, calls ${e(calls)} | ${atMost(worstExp, ORG_TARGETS.exponent)} |`,
      );
    }
  }
  if (result.ack) {
    const r = ratio(result.ack.underLoad.p99, result.ack.bare.p99);
    lines.push(
      `| acknowledgement p99 during a poll of ${fmt(largest?.instances ?? 0)} within ${ORG_TARGETS.ackP99Ratio}x the bare Bolt app's | ${result.ack.underLoad.p99} ms vs ${result.ack.bare.p99} ms = ${x(r)} | ${atMost(r, ORG_TARGETS.ackP99Ratio)} |`,
    );
  }
  if (result.throttled) {
    const t = result.throttled;
    const r = ratio(t.row.wallMs, t.boundMs);
    lines.push(
      `| quiet poll of ${fmt(t.instances)} at ${t.rps}/s per scope: within ${ORG_TARGETS.throttledWallRatio}x the rate-limit bound, no failed answer | ${fmt(t.row.wallMs)} ms vs ${fmt(t.boundMs)} ms = ${x(r)}, ${t.failedAnswers} failed | ${t.failedAnswers > 0 ? '**missed** (failed answers)' : atMost(r, ORG_TARGETS.throttledWallRatio)} |`,
    );
  }
  return lines;
}

/** The section as Markdown lines (it starts with its own heading). */
export function renderOrgScale(result: OrgResult, run: { date: string; command: string }): string[] {
  const sizes = result.sizes;
  return [
    '## Organisation scale',
    '',
    `Measured ${run.date} with \`${run.command}\`. ${result.scopes} scopes (5 accounts x 4 regions: the first account through the access key, the others through AssumeRole),`,
    `the instances spread evenly; groups STG, PRD, WIN and BULK (empty until the install) over every scope, schedules off; ${result.latencyMs} ms added to every AWS call.`,
    `The bot runs in its own process with the Docker image's NODE_OPTIONS (\`${result.nodeArgs.join(' ') || 'none'}\`)${envText(result.nodeEnv)}; its peak RSS covers everything below at that size.${result.budget ? ` Its client-side request budget is the most the config takes (${fmt(result.budget.requestsPerSecond)}/s, burst ${fmt(result.budget.burst)}), so only the throttled run is paced.` : ''}`,
    '',
    '"Minimum" is the fewest calls the APIs allow for the same answer, counted from a full read of the simulator before each run. For each',
    'group, account and region, in symbols with e EC2 members, s patch states, o agents not Online, h hybrid nodes (`mi-`) and u running',
    'members with no patch state not among those:',
    '',
    '    ceil(e/1000) + ceil(s/100) + ceil(o/50) + ceil(h/50) + ceil(u/50)   (each of the first four at least 1)',
    '',
    'that is pages(EC2 members, 1000) + pages(patch states, 100) + pages(agents not Online, 50) + pages(hybrid nodes, 50) + the rest asked by id, 50 a call.',
    "A quiet poll and a digest read afresh cost the sum over groups, accounts and regions; `status PRD` costs PRD's sum plus, in every account and",
    "region, pages(EC2 instances under the other tag spelling, 1000). A digest that reuses the poll's read within the minute needs no group read (minimum 0).",
    '"Before" is what the former read cost for the same answer: pages(managed nodes, 50) + pages(patch states, 100) + pages(EC2 members, 1000)',
    'per group, account and region (plus the same other-spelling read for status). Calls are the calls AWS accepted.',
    '',
    '| Target | Figure | |',
    '| --- | --- | --- |',
    ...summary(result),
    '',
    '| Instances | Answer | Wall time | AWS calls | Minimum | Calls / minimum | Before (calls / before) | Answer whole | calls ≤ 1.05x minimum |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...sizes.flatMap((s) => [
      ...ANSWERS.map((a) => answerRow(s.instances, a.name, s[a.key])),
      `| ${fmt(s.instances)} | install of ${fmt(s.install.instances)} (BULK, no approval) | ${fmt(s.install.wallMs)} ms | ${fmt(s.install.calls)} | — | — | — | ${s.install.whole ? 'yes' : '**no**'} | not held to one |`,
    ]),
    '',
    'The first poll also reads the missing and failed patches of every instance that reports some (the snapshot holds them), so it is',
    'not held to the group-read minimum. The install re-tags up to 10,000 running Linux instances (STG first, then PRD, an equal share per',
    'scope) `Patch Group=BULK` with EC2 CreateTags, releases a critical patch to them with a rescan, then times `/patch install BULK` from the',
    'command to the card saying it ended; a fleet with fewer such instances installs all it has.',
    '',
    'Bot peak RSS, the peak so far once started and after each answer in the order they ran (which part raised it), and the most',
    'heap in use right after a full collection (about the live set, against the old-space cap):',
    '',
    '| Instances | Simulator build | Bot peak RSS | | Started | Status | First poll | Quiet poll | Digest | Install | Live heap |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...sizes.map((s) => {
      const p = s.peakAfterMb;
      const after = p
        ? [p.started, p.statusPrd, p.firstPoll, p.quietPoll, p.digest, p.install].map((mb) => `${mb} MB`)
        : ['—', '—', '—', '—', '—', '—'];
      const live = s.liveHeapMaxMb === undefined ? '—' : `${s.liveHeapMaxMb} MB`;
      return `| ${fmt(s.instances)} | ${fmt(s.simulatorBuildMs)} ms | ${s.peakRssMb} MB | ${atMost(s.peakRssMb, ORG_TARGETS.peakRssMb)} | ${after.join(' | ')} | ${live} |`;
    }),
    '',
    ...(sizes.length > 1
      ? [
          `Growth exponent log(v2/v1) / log(n2/n1) between sizes (1 is linear; target at most ${ORG_TARGETS.exponent}):`,
          '',
          '| Answer | Sizes | Wall time exponent | | Calls exponent | |',
          '| --- | --- | --- | --- | --- | --- |',
          ...sizePairs(sizes).flatMap(([a, b]) => [
            growthRow('quiet poll', a, b, 'quietPoll'),
            growthRow('status PRD', a, b, 'statusPrd'),
          ]),
          '',
        ]
      : []),
    ...throttledLines(result),
    ...ackLines(result),
  ];
}

function throttledLines(result: OrgResult): string[] {
  const t = result.throttled;
  if (!t) return [];
  return [
    `Throttled: a second bot on the first one's state file (so its poll is a quiet one${t.budget ? `; a client-side budget of ${t.budget.requestsPerSecond} requests/s per account and region, burst ${t.budget.burst}` : '; no client-side budget in this build'}) polls once unthrottled to warm up (its AssumeRole credentials, connections and compiled code, as a running bot has them), then polls`,
    `${fmt(t.instances)} instances while the simulator accepts ${t.rps} requests/s per scope (a bucket of ${t.burst}). The rate-limit bound is the`,
    `busiest scope's accepted calls beyond the bucket, at the rate: max over scopes of (accepted − ${t.burst}) / ${t.rps}.`,
    '',
    '| Instances | Wall time | Rate-limit bound | Wall / bound | AWS calls | Minimum | Throttled | Failed answers | |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${fmt(t.instances)} | ${fmt(t.row.wallMs)} ms | ${fmt(t.boundMs)} ms | ${x(ratio(t.row.wallMs, t.boundMs))} | ${fmt(t.row.calls)} | ${fmt(t.row.minimum ?? NaN)} | ${fmt(t.row.throttled)} | ${t.failedAnswers} | ${t.failedAnswers > 0 ? '**missed**' : atMost(ratio(t.row.wallMs, t.boundMs), ORG_TARGETS.throttledWallRatio)} |`,
    '',
  ];
}

function ackLines(result: OrgResult): string[] {
  const a = result.ack;
  if (!a) return [];
  return [
    `Acknowledgement: ${a.commands} signed \`/patch help\` commands (no AWS call of their own), ${a.concurrency} in flight, to a bare Bolt app, to the idle`,
    `bot, then to the bot while it polls the ${fmt(result.sizes.at(-1)?.instances ?? 0)}-instance fleet (the burst starts 1 s into the poll); after a warm-up burst of the same size to each, ${a.rounds.length} rounds of the three, the median round`,
    `(by the ratio of the bot's p99 during the poll to the bare app's) in the table. In that round the poll took ${fmt(a.pollMs)} ms${a.pollOutlastedBurst ? ' and outlasted the burst' : ' and ended before the burst did'}.`,
    '',
    '| Receiver | p50 | p99 | max | failed | |',
    '| --- | --- | --- | --- | --- | --- |',
    `| bare Bolt app (acknowledges only) | ${a.bare.p50} ms | ${a.bare.p99} ms | ${a.bare.max} ms | ${a.bare.failed} | |`,
    `| patchbot, idle | ${a.idle.p50} ms | ${a.idle.p99} ms | ${a.idle.max} ms | ${a.idle.failed} | p99 ${x(ratio(a.idle.p99, a.bare.p99))} |`,
    `| patchbot during the poll | ${a.underLoad.p50} ms | ${a.underLoad.p99} ms | ${a.underLoad.max} ms | ${a.underLoad.failed} | p99 ${x(ratio(a.underLoad.p99, a.bare.p99))}: ${atMost(ratio(a.underLoad.p99, a.bare.p99), ORG_TARGETS.ackP99Ratio)} |`,
    '',
    `Over the poll and the burst the bot used ${fmt(a.botLoop.cpuMs)} ms of CPU; its event loop ran up to ${fmt(a.botLoop.loopDelayMax)} ms late (p99 ${fmt(a.botLoop.loopDelayP99)} ms)`,
    `and its longest GC pause was ${fmt(a.botLoop.gcPauseMax)} ms: an acknowledgement waits behind whichever is longer. V8 collected the whole heap ${fmt(a.botLoop.fullGcs)} times (${fmt(a.botLoop.fullGcMs)} ms of pauses in all).`,
    `Full collections over each round's poll and burst: ${a.rounds.map((r) => `${fmt(r.botLoop.fullGcs)} (${fmt(r.botLoop.fullGcMs)} ms)`).join('; ')}.`,
    `Over the idle burst alone it used ${fmt(a.idleLoop.cpuMs)} ms of CPU; its loop ran up to ${fmt(a.idleLoop.loopDelayMax)} ms late (p99 ${fmt(a.idleLoop.loopDelayP99)} ms), longest GC pause ${fmt(a.idleLoop.gcPauseMax)} ms.`,
    `Each round's p99, bare / idle / during the poll: ${a.rounds.map((r) => `${r.bare.p99} / ${r.idle.p99} / ${r.underLoad.p99} ms`).join('; ')}.`,
    `Inside the receivers, from a request's headers read to its answer handed to the socket (Node's HTTP diagnostics channels), p99 bare / idle / during the poll: ${servedP99s(
      a,
    )
      .map((p99) => (p99 === undefined ? '—' : fmt(p99)))
      .join(' / ')} ms.`,
    `The senders' side, bare / idle / during the poll: the load process that times the commands ran its loop up to ${slashed(senderFigures(a, 'load', 'loopDelayMax'))} ms late, and the benchmark process, whose Slack stand-ins take the bot's answers, up to ${slashed(senderFigures(a, 'standIn', 'loopDelayMax'))} ms (CPU ${slashed(senderFigures(a, 'standIn', 'cpuMs'))} ms).`,
    '',
  ];
}

const slashed = (values: number[]) => values.map(fmt).join(' / ');

export const ORG_START = '<!-- org-scale:start -->';
export const ORG_END = '<!-- org-scale:end -->';

/** The section between its markers, ready to stand in docs/benchmarks.md. */
export function markedOrgSection(lines: readonly string[]): string {
  return [ORG_START, ...lines, ORG_END].join('\n');
}

/** `doc` with the marked organisation section replaced by `section` (appended when the markers are missing), the rest untouched. */
export function replaceOrgSection(doc: string, section: string): string {
  const start = doc.indexOf(ORG_START);
  const end = doc.indexOf(ORG_END, start);
  if (start < 0 || end < 0) return `${doc.trimEnd()}\n\n${section}\n`;
  return `${doc.slice(0, start)}${section}${doc.slice(end + ORG_END.length)}`;
}

/** ` and environment (`K=V`)` for the allocator settings the bot ran with; nothing when none. */
function envText(env: Record<string, string> | undefined): string {
  const pairs = Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? ` and environment (\`${pairs.join(' ')}\`)` : '';
}
