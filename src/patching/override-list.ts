/**
 * AWS-RunPatchBaseline's InstallOverrideList, as the Patch Manager user guide documents it: a YAML
 * document whose top-level key `patches` holds a list of `id` (and optional `title`) entries. On
 * Windows `id` is the KB id; on Linux `id` is the package's `name.arch` and `title` pins its version
 * (`name.arch:epoch:version-release`). patchbot writes it to `<prefix>/<operation id>.yaml`, so every
 * retry of one operation rewrites the same object with the same bytes.
 */
import { z } from 'zod';

/** One entry of the list, in the document's words. */
export const OverrideEntrySchema = z.object({ id: z.string().min(1), title: z.string().min(1).optional() });
/** One entry of the list. */
export type OverrideEntry = z.infer<typeof OverrideEntrySchema>;

/** A package as yum names a version of it: `name.arch:epoch:version-release`. */
const NEVRA = /^([^\s:]+\.[^\s:]+):\d+:\S+$/;

/**
 * The list entry for a patch as SSM reports it: a Linux package version (in KBId or in Title, as the
 * two spellings SSM uses put it) becomes `id: name.arch, title: name.arch:epoch:version-release`;
 * anything else (a Windows KB id) is listed by its KBId.
 */
export function overrideEntry(patch: { kbId: string; title: string }): OverrideEntry {
  for (const text of [patch.kbId, patch.title]) {
    const m = NEVRA.exec(text);
    if (m) return { id: m[1]!, title: text };
  }
  return { id: patch.kbId || patch.title };
}

/** A YAML scalar in single quotes (the only escape is a doubled quote), so no value can break the list. */
const quoted = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The list as YAML in the documented format. */
export function overrideListYaml(entries: readonly OverrideEntry[]): string {
  const lines = ['patches:'];
  for (const e of entries) {
    lines.push(`  - id: ${quoted(e.id)}`);
    if (e.title) lines.push(`    title: ${quoted(e.title)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The object key of an operation's list: derived from its id only, so a retry writes the same object. */
export function overrideListKey(prefix: string, operationId: string): string {
  const base = prefix.replace(/^\/+|\/+$/g, '');
  return `${base ? `${base}/` : ''}${operationId}.yaml`;
}

/** The URL AWS-RunPatchBaseline accepts for an S3 object (the document's s3:// form). */
export function overrideListUrl(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
