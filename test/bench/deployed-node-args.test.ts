import { deployedEnv, deployedNodeArgs } from '../../scripts/bench/deployed-node-args';

describe('the bot as the Docker image runs it', () => {
  it("takes the Dockerfile's NODE_OPTIONS and glibc malloc settings, so the benchmark measures what is deployed", () => {
    expect(deployedNodeArgs()).toEqual(['--max-old-space-size=144', '--max-semi-space-size=8']);
    expect(deployedEnv()).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' });
  });
});
