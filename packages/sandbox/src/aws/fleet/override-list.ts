/**
 * AWS-RunPatchBaseline's InstallOverrideList: a YAML document `patches:` holding a list of
 * `{id, title?}` (Patch Manager user guide, "Parameter name: InstallOverrideList"). On Linux `id`
 * is a package's `name.arch` (wildcards allowed, e.g. `dhcp*`) and the optional `title` narrows it
 * to a version (`name.arch:epoch:version-release`); on Windows `id` is a KB id (KB5071204).
 * The simulator reads the documented subset of YAML: block lists of maps with scalar values.
 */
import type { CatalogPatch } from './instance-model';

/** One listed patch. */
export interface OverrideEntry {
  id: string;
  title?: string;
}

/** A list that does not parse: the reason, as the document's script would log it. */
export class OverrideListError extends Error {}

function scalar(raw: string): string {
  const text = raw.trim();
  if ((text.startsWith("'") && text.endsWith("'")) || (text.startsWith('"') && text.endsWith('"')))
    return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

/** Parses an override list; throws OverrideListError naming the line for anything else. */
export function parseOverrideList(text: string): OverrideEntry[] {
  const lines = text.split(/\r?\n/).map((line, index) => ({ line: line.replace(/\s+#.*$/, ''), number: index + 1 }));
  const meaningful = lines.filter((l) => l.line.trim() !== '' && !l.line.trim().startsWith('#'));
  const first = meaningful[0];
  if (!first || !/^patches:\s*(\[\s*\])?\s*$/.test(first.line))
    throw new OverrideListError('the override list must be a YAML document whose top-level key is "patches"');
  if (/\[\s*\]/.test(first.line)) return [];
  const entries: Partial<OverrideEntry>[] = [];
  for (const { line, number } of meaningful.slice(1)) {
    const item = /^\s+-\s*(.*)$/.exec(line);
    const body = item ? (item[1] as string) : line.trim();
    if (item) entries.push({});
    const current = entries[entries.length - 1];
    if (!current || !/^\s/.test(line))
      throw new OverrideListError(`line ${number}: expected a "- id: ..." item under "patches"`);
    if (body === '') continue;
    const pair = /^([A-Za-z]+):\s*(.*)$/.exec(body);
    if (!pair) throw new OverrideListError(`line ${number}: expected "id: ..." or "title: ..."`);
    const key = pair[1] as string;
    if (key === 'id' || key === 'title') current[key] = scalar(pair[2] as string);
  }
  return entries.map((entry, index) => {
    if (!entry.id) throw new OverrideListError(`patch ${index + 1} has no id: every listed patch needs one`);
    return entry.title ? { id: entry.id, title: entry.title } : { id: entry.id };
  });
}

function glob(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(value);
}

/** Whether a listed entry names `patch` (by KB id on Windows, by package name.arch and version on Linux). */
export function entryMatches(entry: OverrideEntry, patch: CatalogPatch): boolean {
  if (patch.os === 'WINDOWS') return entry.id.toUpperCase() === patch.kbId.toUpperCase();
  // The catalog's Linux KBId is the package as yum names it: name.arch:epoch:version-release.
  const nameArch = patch.kbId.split(':')[0] ?? patch.kbId;
  if (!glob(entry.id, nameArch)) return false;
  return entry.title === undefined || glob(entry.title, patch.kbId);
}
