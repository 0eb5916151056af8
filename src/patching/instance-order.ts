/** The one order instance lines are listed in, everywhere: by name, unnamed last, then by id. */
/** An instance line or instance: its name absent or undefined when it has none. */
type Named = { name?: string | undefined; instanceId: string };

/** Orders instance lines by name (unnamed last), then id. */
export function byName(a: Named, b: Named): number {
  if (a.name !== b.name) {
    if (a.name === undefined) return 1;
    if (b.name === undefined) return -1;
    return a.name < b.name ? -1 : 1;
  }
  return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
}
