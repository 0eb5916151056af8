/** Small questions code asks of the configuration: which group, which scope, which channel. */
import type { PatchbotConfig, PatchGroup, Scope } from './schema';

/** The group with this name, ignoring case ("prd" finds PRD); undefined if there is none. */
export function findGroup(config: Pick<PatchbotConfig, 'groups'>, name: string): PatchGroup | undefined {
  const wanted = name.trim().toLowerCase();
  return config.groups.find((g) => g.name.toLowerCase() === wanted);
}

/** The scope with exactly this name; undefined if there is none. */
export function findScope(config: Pick<PatchbotConfig, 'aws'>, name: string): Scope | undefined {
  return config.aws.scopes.find((s) => s.name === name);
}

/** A maintenance window, as the window poller knows it. */
export interface WindowRef {
  windowId: string;
  windowName?: string | undefined;
  /** Patch group names (tag values) its targets name. */
  targetGroups?: readonly string[] | undefined;
}

/**
 * Channels that get a window's results: windows.channels by id, then by name; else, with fallback
 * "group", the channels of the groups its targets name (matched by group name or tag value); else none.
 */
export function windowChannels(config: Pick<PatchbotConfig, 'windows' | 'groups'>, window: WindowRef): string[] {
  const { channels, fallback } = config.windows;
  const explicit =
    channels[window.windowId] ?? (window.windowName === undefined ? undefined : channels[window.windowName]);
  if (explicit !== undefined) return [explicit];
  if (fallback === 'none') return [];
  const found = (window.targetGroups ?? []).map(
    (target) => findGroup(config, target) ?? config.groups.find((g) => g.tagValue === target),
  );
  return [...new Set(found.flatMap((g) => (g ? [g.channel] : [])))];
}
