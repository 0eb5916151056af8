/**
 * The organisation-scale fleet: 5 accounts x 4 regions = 20 scopes (the first account through the
 * access key, the others through AssumeRole), N instances spread evenly, and the bot's config for it.
 */
import { parseConfigText, type PatchbotConfig } from '../../src/config';
import type { SimulatorOptions } from '../../packages/sandbox/src/aws';
import { DEMO_IDS } from '../../packages/sandbox/src/slack';
import { BENCH_ACCESS_KEY } from './fleet-config';

export const ORG_ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'] as const;
export const ORG_REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'] as const;
/** Scopes as the bot names them, one per account: org-1 ... org-5. */
export const orgScopeName = (accountIndex: number) => `org-${accountIndex + 1}`;
/** The group the install benchmark re-tags instances into: no approval, so `/patch install BULK` runs at once. */
export const BULK_GROUP = 'BULK';

/** An access key the simulator maps straight to `account`: the benchmark's own EC2 re-tagging, not the bot's. */
export function orgAccessKey(account: string): string {
  return account === ORG_ACCOUNTS[0] ? BENCH_ACCESS_KEY : `SANDBOXORG${account.slice(0, 10)}`;
}

/** Simulator options for `total` instances spread evenly over the 20 partitions. */
export function orgOptions(total: number, latencyMs: number): SimulatorOptions {
  const per = Math.round(total / (ORG_ACCOUNTS.length * ORG_REGIONS.length));
  return {
    seed: 19,
    latencyMs,
    accessKeys: Object.fromEntries(ORG_ACCOUNTS.map((account) => [orgAccessKey(account), account])),
    fleets: ORG_ACCOUNTS.flatMap((account, a) =>
      ORG_REGIONS.map((region, r) => ({ account, region, instances: per, seed: 1000 + a * 10 + r })),
    ),
  };
}

/** A client-side request budget per account and region. */
export interface RateLimit {
  requestsPerSecond: number;
  burst: number;
}

/** The largest budget the config takes: in effect none, for the runs that measure the bot and not a rate limit. */
export const UNLIMITED: RateLimit = { requestsPerSecond: 1000, burst: 1000 };

/** The patchbot.yml text for the organisation: STG, PRD, WIN and BULK over every scope, schedules off. */
export function orgConfigText(rateLimit?: RateLimit): string {
  const { channels, users } = DEMO_IDS;
  const regions = ORG_REGIONS.join(', ');
  const scopes = ORG_ACCOUNTS.map((account, i) =>
    i === 0
      ? `    - { name: ${orgScopeName(i)}, accountId: "${account}", regions: [${regions}] }`
      : `    - { name: ${orgScopeName(i)}, roleArn: "arn:aws:iam::${account}:role/patchbot", regions: [${regions}] }`,
  );
  const budget = rateLimit
    ? `  rateLimit: { requestsPerSecond: ${rateLimit.requestsPerSecond}, burst: ${rateLimit.burst} }\n`
    : '';
  return `
aws:
${budget}  scopes:
${scopes.join('\n')}
groups:
  STG: { channel: ${channels.stg}, operators: [${users.alice}] }
  PRD: { channel: ${channels.prd}, operators: [${users.alice}] }
  WIN: { channel: ${channels.prd}, operatingSystem: WINDOWS, operators: [${users.alice}] }
  ${BULK_GROUP}: { channel: ${channels.stg}, operators: [${users.alice}] }
schedules:
  compliancePoll: { enabled: false }
  windowPoll: { enabled: false }
  digest: { enabled: false }
`;
}

/** The parsed organisation config, with the client-side budget when given. */
export function orgConfig(rateLimit?: RateLimit): PatchbotConfig {
  return parseConfigText(orgConfigText(rateLimit), 'bench-org.patchbot.yml', {});
}

/** Whether this build's config takes a client-side request budget (`aws.rateLimit`). */
export function budgetSupported(): boolean {
  try {
    orgConfig({ requestsPerSecond: 5, burst: 5 });
    return true;
  } catch {
    return false;
  }
}
