/** A file patchbot uploads to Slack (a chart, an export): the bytes, the file name and what Slack shows. */
export interface FileAttachment {
  /** The file name Slack keeps, e.g. `prd-compliance-2026-12-02.png`. */
  filename: string;
  /** The title shown above the file. */
  title: string;
  bytes: Uint8Array;
  /** Text for screen readers (images). */
  altText?: string | undefined;
}
