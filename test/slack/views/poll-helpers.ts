/** Instance ids and instance lines the pollers' view tests share. */
/** The instance id numbered n. */
export const id = (n: number) => `i-${n.toString(16).padStart(17, '0')}`;
/** An instance line of a poll result: numbered n, named as given or by its number. */
export const line = (n: number, name?: string) => ({
  instanceId: id(n),
  name: name ?? `web-prd-${String(n).padStart(4, '0')}`,
  scope: 'prod',
  region: 'us-east-1',
});
