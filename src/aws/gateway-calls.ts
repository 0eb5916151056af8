/** What the gateway's call groups (instance-calls.ts, window-calls.ts, command-calls.ts) use of one FleetGateway. */
import type { Logger } from '../logger';
import type { RegionClients } from './clients';

/** One scope and region's clients, and the gateway's logged, error-mapping way to run a call. */
export interface GatewayCalls {
  clients: RegionClients;
  /** The gateway's child logger (scope and region bound). */
  log: Logger;
  /** Runs one AWS call (or a paginated series), logging it and turning failures into AwsError. */
  call<T>(service: string, operation: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * A time as SSM's filter values document it, in whole seconds (`2024-07-07T00:00:00Z`), rounded
 * down: the "after" filters (InvokedAfter, ExecutedAfter) include their bound, so rounding down
 * only widens the look by under a second and never misses an item of the bound's own second.
 * Callers match what they find by identity (the command's Comment, the execution id already seen),
 * so the wider look counts nothing twice.
 */
export function filterTimestamp(at: Date): string {
  return new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}
