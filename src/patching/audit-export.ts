/**
 * `/patch audit`: the audit log of some groups over a period as a CSV file (csv-stringify), one row
 * per recorded event (request, vote, approval, rejection, cancellation, expiry, send, outcome...),
 * with who, when (ISO-8601 UTC) and what exactly: the operation, its group and kind, its targets
 * (instance ids) and patches (the approved list, or the baseline). Entries are read a page at a
 * time and operations through a small cache, so memory stays bounded; past MAX_ROWS the export stops
 * and says so rather than build a file nobody can open.
 */
import { stringify } from 'csv-stringify/sync';
import type { FileAttachment } from './attachment';
import type { PatchingDeps } from './deps';
import { readPlan } from './plan-record';
import type { AuditEntry, Operation } from './ports';
import { SYSTEM_ACTOR } from './ports';

/** The columns, in order: the CSV's header. */
export const AUDIT_CSV_COLUMNS = [
  'time',
  'event',
  'user_id',
  'user_name',
  'operation_id',
  'group',
  'kind',
  'targets',
  'patches',
  'baseline',
  'outcome',
  'detail',
  'audit_id',
] as const;

/** The most rows one export holds: beyond it, a narrower period or one group is asked for. */
export const MAX_AUDIT_ROWS = 100_000;

/** The most bytes one export holds (rows of big groups list every target): 50 MB. */
export const MAX_AUDIT_BYTES = 50 * 1024 * 1024;

/** Entries read per page. */
const PAGE = 500;

/** People's names kept while exporting. */
const NAME_CACHE = 1000;

/** Operations kept while exporting (an operation's entries are close together in the log). */
const OPERATION_CACHE = 200;

/** What an export asks for. */
export interface AuditExportRequest {
  /** The groups whose entries go in (those the requester may see). */
  groups: readonly string[];
  since: Date;
  /** Names for user ids, where the caller can give them (asked once per person per export). */
  userName?: ((userId: string) => Promise<string | undefined>) | undefined;
  /** Test seam: smaller caps than MAX_AUDIT_ROWS and MAX_AUDIT_BYTES. */
  limits?: { rows: number; bytes: number };
}

/** The export: a file, or how many rows made it too large. */
export type AuditExport =
  | { kind: 'file'; file: FileAttachment; rows: number; since: Date; until: Date }
  | { kind: 'too-large'; rows: number; bytes: number; since: Date };

/** Builds the CSV of the audit log for `groups` from `since` until now. */
export async function exportAudit(
  deps: Pick<PatchingDeps, 'store' | 'clock'>,
  request: AuditExportRequest,
): Promise<AuditExport> {
  const until = deps.clock.now();
  const operations = new OperationCache(deps.store);
  const names = new NameCache(request.userName);
  const chunks: string[] = [stringify([[...AUDIT_CSV_COLUMNS]])];
  let afterId = 0;
  let rows = 0;
  let bytes = chunks[0]!.length;
  const limits = request.limits ?? { rows: MAX_AUDIT_ROWS, bytes: MAX_AUDIT_BYTES };
  for (;;) {
    const entries = await deps.store.audit.page({ since: request.since, groups: request.groups, afterId, limit: PAGE });
    if (entries.length === 0) break;
    rows += entries.length;
    const lines: string[][] = [];
    for (const entry of entries) {
      const op = entry.operationId ? await operations.get(entry.operationId) : undefined;
      lines.push(csvRow(entry, op, await names.get(entry.actor)));
    }
    const chunk = stringify(lines);
    bytes += chunk.length;
    if (rows > limits.rows || bytes > limits.bytes)
      return { kind: 'too-large', rows: limits.rows, bytes: limits.bytes, since: request.since };
    chunks.push(chunk);
    afterId = entries[entries.length - 1]!.id;
  }
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const scope = request.groups.length === 1 ? request.groups[0]!.toLowerCase() : 'groups';
  return {
    kind: 'file',
    rows,
    since: request.since,
    until,
    file: {
      filename: `patchbot-audit-${scope}-${day(request.since)}-to-${day(until)}.csv`,
      title: `patchbot audit log, ${request.groups.join(', ')}, ${request.since.toISOString()} to ${until.toISOString()}`,
      bytes: new TextEncoder().encode(chunks.join('')),
    },
  };
}

/** One entry as a CSV row, with its operation's kind, targets and patches. */
function csvRow(entry: AuditEntry, op: Operation | undefined, name: string): string[] {
  const plan = op ? readPlan(op) : undefined;
  const patches = plan?.pinned
    ? plan.pinned.patches.map((p) => p.kbId)
    : plan?.kind === 'install'
      ? plan.patches.map((p) => p.kbId)
      : [];
  const baseline = plan?.pinned
    ? `pinned from ${plan.pinned.fromGroup} ${plan.pinned.operationId}`
    : (plan?.baselines ?? []).map((b) => `${b.name} (${b.baselineId}, ${b.scope} ${b.region})`).join('; ');
  const outcome = entry.detail?.status;
  return [
    entry.at.toISOString(),
    entry.action.replace(/^operation\./, ''),
    entry.actor,
    name,
    entry.operationId ?? '',
    entry.group ?? '',
    plan?.kind ?? (typeof entry.detail?.kind === 'string' ? entry.detail.kind : (op?.kind ?? '')),
    (plan?.targets ?? []).map((t) => t.instanceId).join(' '),
    patches.join(' '),
    baseline,
    typeof outcome === 'string' ? outcome : '',
    entry.detail === null ? '' : JSON.stringify(entry.detail),
    String(entry.id),
  ];
}

/** People's names by user id for one export (the bot is itself); the most recently asked kept. */
class NameCache {
  private readonly byId = new Map<string, string>([[SYSTEM_ACTOR, SYSTEM_ACTOR]]);

  constructor(private readonly lookup: AuditExportRequest['userName']) {}

  async get(id: string): Promise<string> {
    const known = this.byId.get(id);
    if (known !== undefined) return known;
    const name = (await this.lookup?.(id)) ?? '';
    if (this.byId.size >= NAME_CACHE) this.byId.delete(this.byId.keys().next().value as string);
    this.byId.set(id, name);
    return name;
  }
}

/** Operations by id, the most recently read kept; a missing one is remembered as missing. */
class OperationCache {
  private readonly byId = new Map<string, Operation | undefined>();

  constructor(private readonly store: PatchingDeps['store']) {}

  async get(id: string): Promise<Operation | undefined> {
    if (this.byId.has(id)) return this.byId.get(id);
    const op = await this.store.operations.get(id);
    if (this.byId.size >= OPERATION_CACHE) this.byId.delete(this.byId.keys().next().value as string);
    this.byId.set(id, op);
    return op;
  }
}
