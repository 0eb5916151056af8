/**
 * The layer rules (docs/architecture.md, "Layers"): Slack -> commands -> domain -> ports <- adapters,
 * with config, errors, clock, logger, sentence and src/shared usable by all. `npm run deps` checks
 * production code (src/, commands/) and the sandbox package (no cycles, nothing of patchbot's own);
 * tests and scripts are free.
 */
const NEUTRAL = '^src/(config/|shared/|errors[.]ts$|clock[.]ts$|logger[.]ts$|sentence[.]ts$)';
const ROOT = '^src/(bot|main|preflight|process-guard)[.]ts$';
const SANDBOX = '^(src/sandbox|packages/sandbox)/';
const DOMAIN = '^src/(patching|jobs)/';
// The domain's ports: the interfaces adapters implement and the one place the domain meets the store.
const PORTS = '^src/(patching/(ports|fleet-types)|jobs/lease-port)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'A cycle makes every file in it depend on all the others.', from: {}, to: { circular: true } },
    {
      name: 'no-sandbox-in-production',
      severity: 'error',
      comment: 'The simulators are dev-only: production code never loads them.',
      from: { path: '^(src|commands)/', pathNot: SANDBOX },
      to: { path: SANDBOX },
    },
    {
      name: 'sandbox-stands-alone',
      severity: 'error',
      comment: 'The stand-ins are their own package: they play Slack and AWS and know nothing of patchbot code.',
      from: { path: '^packages/sandbox/' },
      to: { path: '^(src|commands)/' },
    },
    {
      name: 'root-is-top',
      severity: 'error',
      comment: 'The composition root wires the rooms; only main.ts (and scripts, tests) may import it.',
      from: { path: '^(src|commands)/', pathNot: '^src/main[.]ts$' },
      to: { path: ROOT },
    },
    { name: 'commands-not-slack', severity: 'error', comment: 'Commands return data; the Slack layer renders views.', from: { path: '^commands/' }, to: { path: ['^src/slack/', ROOT] } },
    {
      name: 'commands-via-domain',
      severity: 'error',
      comment: 'Commands ask the domain (CommandServices); they never reach an adapter.',
      from: { path: '^commands/' },
      to: { path: '^src/(aws|store)/' },
    },
    {
      name: 'domain-not-up',
      severity: 'error',
      comment: 'The domain knows nothing of Slack or commands.',
      from: { path: DOMAIN },
      to: { path: ['^commands/', '^src/slack/', ROOT] },
    },
    {
      name: 'domain-via-ports',
      severity: 'error',
      comment: 'The domain reaches AWS and the store through its ports (src/patching/ports.ts), never an adapter directly.',
      from: { path: DOMAIN, pathNot: PORTS },
      to: { path: '^src/(aws|store)/' },
    },
    {
      name: 'aws-adapter-down-only',
      severity: 'error',
      comment: 'The AWS adapter implements the domain ports; it may use them and the neutral helpers only.',
      from: { path: '^src/aws/' },
      to: { path: ['^commands/', '^src/(slack|jobs|store)/', ROOT, '^src/patching/'], pathNot: PORTS },
    },
    {
      name: 'store-uses-shared-only',
      severity: 'error',
      comment: 'The store may use the neutral helpers (the lifecycle table is in src/shared) and the ports it implements, nothing above it.',
      from: { path: '^src/store/' },
      to: { path: ['^commands/', '^src/(slack|patching|jobs|aws)/', ROOT], pathNot: PORTS },
    },
    {
      name: 'neutral-is-neutral',
      severity: 'error',
      comment: 'Helpers usable by every layer cannot depend on a layer.',
      from: { path: NEUTRAL },
      to: { path: ['^commands/', '^src/(slack|patching|jobs|aws|store)/', ROOT] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(test|scripts|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
