/**
 * Right before a promoted install is sent: its pinned list is written to S3 and its URL handed to
 * SendCommand as InstallOverrideList. The key is derived from the operation id and the bytes from
 * the approved plan, so a retry after a lost PutObject answer, or a resume after a crash between the
 * write and the send, rewrites the same object with the same content; nothing is sent without it.
 */
import { AwsError, PatchbotError } from '../errors';
import type { ObjectWriter, Operation } from './ports';
import { overrideListKey, overrideListUrl, overrideListYaml } from './override-list';
import type { PinnedList } from './promote-record';

/** Where the list was written and the URL to pass, or why it could not be. */
export type PinnedWrite = { url: string } | { failed: { code: string; message: string } };

/** The URL of `op`'s list, written or not (a resume whose earlier sends already used it). */
export function pinnedListUrl(op: Pick<Operation, 'id'>, pinned: PinnedList): string {
  return overrideListUrl(pinned.overrideList.bucket, overrideListKey(pinned.overrideList.prefix, op.id));
}

/** Writes `pinned`'s list for `op` with the credentials of `where`; never throws. */
export async function writePinnedList(
  objects: ObjectWriter | undefined,
  op: Pick<Operation, 'id'>,
  pinned: PinnedList,
  where: { scope: string; region: string },
): Promise<PinnedWrite> {
  const { bucket, prefix } = pinned.overrideList;
  const key = overrideListKey(prefix, op.id);
  const url = overrideListUrl(bucket, key);
  if (!objects) {
    return {
      failed: {
        code: 'INTERNAL',
        message: `No S3 writer is configured, so the pinned list ${url} was not written and nothing was sent.`,
      },
    };
  }
  try {
    await objects.putObject({
      ...where,
      bucket,
      key,
      body: overrideListYaml(pinned.patches.map((p) => p.entry)),
      contentType: 'application/yaml',
    });
    return { url };
  } catch (err) {
    const why = err instanceof PatchbotError ? err.userMessage : String(err);
    const code = err instanceof AwsError || err instanceof PatchbotError ? err.code : 'INTERNAL';
    return {
      failed: {
        code,
        message: `The pinned patch list could not be written to ${url} (bucket ${bucket}), so nothing was sent. ${why}`,
      },
    };
  }
}
