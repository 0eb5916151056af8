/**
 * One simulator with real SDK clients for the tests of a file: `useSimulated` starts it before them
 * and closes it after them; `sim` and `aws` are live bindings, so the tests read the running pair.
 */
import { startFleetSimulator, type FleetSimulator, type SimulatorOptions } from '@patchbot/sandbox/aws';
import { clients } from './helpers';

/** The running simulator (set by `useSimulated`'s beforeAll). */
export let sim: FleetSimulator;
/** SSM, EC2 and STS clients pointed at `sim`. */
export let aws: ReturnType<typeof clients>;

/** Starts the simulator on a free port with these options before the file's tests, and closes it after them. */
export function useSimulated(options: SimulatorOptions = {}): void {
  beforeAll(async () => {
    sim = await startFleetSimulator({ port: 0, ...options });
    aws = clients(sim.url);
  });
  afterAll(async () => {
    aws.destroy();
    await sim.close();
  });
}
