/**
 * The I/O the patching domain is given, in one shape: each unit takes the part of it it uses
 * (a Pick), never the runner or the service that happens to hold it.
 */
import type { Clock } from '../clock';
import type { PatchGroup } from '../config/schema';
import { findGroup } from '../config/lookup';
import type { Logger } from '../logger';
import type { ObjectWriter, Operation, Store } from './ports';
import type { PatchGateway } from './group-fleet';
import type { RecentReads } from './recent-reads';

/** The I/O every part of the domain is given. */
export interface PatchingDeps {
  store: Store;
  /** Every configured scope's gateways (createFleet(...).gateways); each group uses those of its scopes. */
  gateways: readonly PatchGateway[];
  groups: readonly PatchGroup[];
  clock: Clock;
  logger: Logger;
  /** Whether this process may send now (it holds the work lease); when false, approved operations wait for the leader. Default: always. */
  mayActNow?: () => boolean;
  /** Writes promote's InstallOverrideList objects to S3; without it a promoted install fails unsent. */
  objects?: ObjectWriter;
  /** Group reads reused for a minute by status and the digest; without it every ask reads AWS. */
  recent?: RecentReads;
}

/** The configured group of an operation, if it still exists. */
export function groupOf(groups: readonly PatchGroup[], op: Pick<Operation, 'group'>): PatchGroup | undefined {
  return findGroup({ groups: [...groups] }, op.group);
}
