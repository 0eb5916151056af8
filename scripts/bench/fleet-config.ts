/** The benchmark's fleet: 2 accounts x 2 regions (one account through AssumeRole) and the bot's configs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText, type PatchbotConfig } from '../../src/config';
import type { SimulatorOptions } from '../../packages/sandbox/src/aws';
import { DEMO_IDS } from '../../packages/sandbox/src/slack';
import { projectRoot } from './root';

/** The access key the bot signs with; the simulator maps it to the first account. */
export const BENCH_ACCESS_KEY = 'SANDBOXBENCHKEY00001';
export const ACCOUNTS = ['111111111111', '222222222222'] as const;
export const REGIONS = ['us-east-1', 'eu-west-1'] as const;

/** Simulator options for `total` instances spread evenly over the four partitions. */
export function fleetOptions(total: number, latencyMs: number): SimulatorOptions {
  const per = Math.round(total / (ACCOUNTS.length * REGIONS.length));
  return {
    seed: 11,
    latencyMs,
    accessKeys: { [BENCH_ACCESS_KEY]: ACCOUNTS[0] },
    fleets: ACCOUNTS.flatMap((account, a) =>
      REGIONS.map((region, r) => ({ account, region, instances: per, seed: 100 + a * 10 + r })),
    ),
  };
}

/** patchbot.yml for that fleet: STG, PRD and WIN in every scope, schedules off (the benchmark runs jobs itself). */
export function fleetConfig(): PatchbotConfig {
  const { channels, users } = DEMO_IDS;
  const yml = `
aws:
  scopes:
    - { name: fleet-a, accountId: "${ACCOUNTS[0]}", regions: [${REGIONS.join(', ')}] }
    - { name: fleet-b, roleArn: "arn:aws:iam::${ACCOUNTS[1]}:role/patchbot", regions: [${REGIONS.join(', ')}] }
groups:
  STG: { channel: ${channels.stg}, operators: [${users.alice}] }
  PRD: { channel: ${channels.prd}, operators: [${users.alice}] }
  WIN: { channel: ${channels.prd}, operatingSystem: WINDOWS, operators: [${users.alice}] }
schedules:
  compliancePoll: { enabled: false }
  windowPoll: { enabled: false }
  digest: { enabled: false }
`;
  return parseConfigText(yml, 'bench.patchbot.yml', {});
}

/** The demo's config (one scope, 20 instances) with every schedule off: only commands run. */
export function demoConfigQuiet(): PatchbotConfig {
  const file = join(projectRoot(), 'scripts/demo.patchbot.yml');
  const config = parseConfigText(readFileSync(file, 'utf8'), file, {});
  const off = <T extends { enabled: boolean }>(s: T): T => ({ ...s, enabled: false });
  const { schedules } = config;
  return {
    ...config,
    schedules: {
      ...schedules,
      compliancePoll: off(schedules.compliancePoll),
      windowPoll: off(schedules.windowPoll),
      digest: off(schedules.digest),
    },
  };
}

/** The digest benchmark's channels: `count` of them, one group each, the bot a member of all. */
export function digestChannels(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `C0DIGEST${String(i + 1).padStart(2, '0')}`);
}

/** A config with one group per digest channel (STG and PRD tags in turn, on the demo fleet), schedules off. */
export function digestConfig(count: number): PatchbotConfig {
  const { users } = DEMO_IDS;
  const groups = digestChannels(count).map(
    (channel, i) =>
      `  G${String(i + 1).padStart(2, '0')}: { channel: ${channel}, tagValue: ${i % 2 === 0 ? 'STG' : 'PRD'}, operators: [${users.alice}] }`,
  );
  const yml = `
aws:
  scopes:
    - { name: sandbox, accountId: "123456789012", regions: [us-east-1] }
groups:
${groups.join('\n')}
schedules:
  compliancePoll: { enabled: false }
  windowPoll: { enabled: false }
  digest: { enabled: false }
`;
  return parseConfigText(yml, 'bench-digest.patchbot.yml', {});
}
