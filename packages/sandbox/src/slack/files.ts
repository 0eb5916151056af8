/**
 * Files uploaded with Slack's external flow (files.getUploadURLExternal → POST the bytes to the
 * upload URL → files.completeUploadExternal): each file waits for its bytes, then to be completed
 * (once), then is shared in a message. The store hands out copies.
 */
import type { Clock } from '../shared/clock';
import { slackId } from './ids';
import type { JsonObject } from './types';

/** Where a file is in the flow. */
export type FileState = 'awaiting-bytes' | 'uploaded' | 'completed';

/** One file the bot uploads. */
export interface StoredFile {
  id: string;
  /** The secret part of its upload URL. */
  uploadKey: string;
  name: string;
  title: string;
  /** The `length` files.getUploadURLExternal was given: the bytes must match it. */
  declaredLength: number;
  altText?: string;
  mimetype: string;
  filetype: string;
  state: FileState;
  bytes?: Buffer;
  /** Image size, read from a PNG's header. */
  width?: number;
  height?: number;
  user: string;
  created: Date;
}

/** File types by extension, as Slack names them (`filetype`) with their media type. */
const TYPES: Record<string, { filetype: string; mimetype: string }> = {
  png: { filetype: 'png', mimetype: 'image/png' },
  jpg: { filetype: 'jpg', mimetype: 'image/jpeg' },
  jpeg: { filetype: 'jpg', mimetype: 'image/jpeg' },
  gif: { filetype: 'gif', mimetype: 'image/gif' },
  csv: { filetype: 'csv', mimetype: 'text/csv' },
  txt: { filetype: 'text', mimetype: 'text/plain' },
  json: { filetype: 'json', mimetype: 'application/json' },
  pdf: { filetype: 'pdf', mimetype: 'application/pdf' },
};

/** The type of a file name by its extension (`binary`, application/octet-stream, when unknown). */
export function fileType(name: string): { filetype: string; mimetype: string } {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  return TYPES[ext] ?? { filetype: 'binary', mimetype: 'application/octet-stream' };
}

/** A PNG's width and height from its IHDR chunk; undefined when the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  const signature = '89504e470d0a1a0a';
  if (bytes.length < 24 || bytes.subarray(0, 8).toString('hex') !== signature) return undefined;
  if (bytes.subarray(12, 16).toString('latin1') !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** A copy the caller may keep (structuredClone would turn the Buffer into a plain Uint8Array). */
function copyFile(f: StoredFile): StoredFile {
  return { ...f, created: new Date(f.created), ...(f.bytes ? { bytes: Buffer.from(f.bytes) } : {}) };
}

/** Every file of the workspace. */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byKey = new Map<string, string>();

  constructor(private readonly clock: Clock) {}

  /** Forgets every file. */
  clear(): void {
    this.byId.clear();
    this.byKey.clear();
  }

  /** A new file waiting for its bytes. */
  create(input: { name: string; length: number; altText?: string; user: string }): StoredFile {
    const file: StoredFile = {
      id: slackId('F'),
      uploadKey: slackId('u', 24).toLowerCase(),
      name: input.name,
      title: input.name,
      declaredLength: input.length,
      ...(input.altText ? { altText: input.altText } : {}),
      ...fileType(input.name),
      state: 'awaiting-bytes',
      user: input.user,
      created: this.clock.now(),
    };
    this.byId.set(file.id, file);
    this.byKey.set(file.uploadKey, file.id);
    return copyFile(file);
  }

  /** A copy of the file with this id. */
  get(id: string): StoredFile | undefined {
    const f = this.byId.get(id);
    return f ? copyFile(f) : undefined;
  }

  /** The file whose upload URL has this key. */
  byUploadKey(key: string): StoredFile | undefined {
    const id = this.byKey.get(key);
    return id ? this.get(id) : undefined;
  }

  /** Stores the bytes of a file still waiting for them (a second POST replaces them, until completed). */
  receive(id: string, bytes: Buffer): StoredFile | undefined {
    const f = this.byId.get(id);
    if (!f || f.state === 'completed') return undefined;
    f.bytes = Buffer.from(bytes);
    f.state = 'uploaded';
    const size = pngSize(f.bytes);
    if (size) Object.assign(f, size);
    return copyFile(f);
  }

  /** Marks an uploaded file completed with its title. */
  complete(id: string, title: string | undefined): StoredFile | undefined {
    const f = this.byId.get(id);
    if (f?.state !== 'uploaded') return undefined;
    f.state = 'completed';
    if (title) f.title = title;
    return copyFile(f);
  }

  /** Every file, oldest first. */
  list(): StoredFile[] {
    return [...this.byId.values()].map((f) => copyFile(f));
  }
}

/** The path the stand-in serves a completed file's bytes at (as Slack's `url_private`). */
export function filePath(f: Pick<StoredFile, 'id' | 'name'>): string {
  return `/files-pri/${f.id}/${encodeURIComponent(f.name)}`;
}

/** A file as Slack's answers and messages carry it. */
export function fileJson(f: StoredFile, baseUrl: string, teamId: string): JsonObject {
  const url = `${baseUrl}${filePath(f)}`;
  return {
    id: f.id,
    created: Math.floor(f.created.getTime() / 1000),
    timestamp: Math.floor(f.created.getTime() / 1000),
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    filetype: f.filetype,
    pretty_type: f.filetype.toUpperCase(),
    user: f.user,
    user_team: teamId,
    mode: 'hosted',
    is_external: false,
    is_public: true,
    size: f.bytes?.length ?? f.declaredLength,
    url_private: url,
    url_private_download: `${url}?download=1`,
    ...(f.altText ? { alt_txt: f.altText } : {}),
    ...(f.width !== undefined && f.height !== undefined ? { original_w: f.width, original_h: f.height } : {}),
  };
}
