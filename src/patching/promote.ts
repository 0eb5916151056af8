/**
 * `/patch promote <source> <target>`: the target's install plan cut down to exactly the patches the
 * source's last successful install through patchbot installed and the target misses. "Installed by
 * that install" is SSM's record of it: DescribeInstancePatches on the instances it was sent to, state
 * Installed or InstalledOther, InstalledTime inside its run (first send to end). Patches are matched
 * by `promotionKey`: a Windows KB id alone (its title may be empty on InstalledOther), otherwise KBId
 * and Title together, because on Linux one of the two is the package's name.arch and only both name
 * the version the source verified.
 */
import type { PatchGroup } from '../config/schema';
import { AwsError, InputError, PatchbotError } from '../errors';
import type { Operation } from './ports';
import type { PatchingDeps } from './deps';
import { gatewayFor } from './group-fleet';
import { overrideEntry } from './override-list';
import { buildInstallPlan } from './plan';
import type { ChangePlan } from './plan-record';
import { readPlan, readResult } from './records';
import type { PinnedList, PinnedPatch } from './promote-record';

/** The key a source's installed patch and a target's missing one are matched on (see the file's comment). */
export function promotionKey(p: { kbId: string; title: string }): string {
  if (/^KB\d+$/i.test(p.kbId)) return p.kbId.toUpperCase();
  return `${p.kbId}\u0000${p.title}`;
}

/** The source's last successful install through patchbot, or undefined. */
export async function lastSuccessfulInstall(
  deps: Pick<PatchingDeps, 'store'>,
  source: PatchGroup,
): Promise<Operation | undefined> {
  const [last] = await deps.store.operations.listRecent({
    group: source.name,
    kind: 'install',
    statuses: ['succeeded'],
    limit: 1,
  });
  return last;
}

/** Where an install was sent: its recorded send set, else its plan's targets. */
function sentTo(op: Operation): { scope: string; region: string; instanceIds: string[] }[] {
  const sendSet = readResult(op).sendSet;
  if (sendSet && sendSet.length > 0) return sendSet;
  const byWhere = new Map<string, { scope: string; region: string; instanceIds: string[] }>();
  for (const t of readPlan(op)?.targets ?? []) {
    const key = `${t.scope}/${t.region}`;
    const entry = byWhere.get(key) ?? { scope: t.scope, region: t.region, instanceIds: [] };
    entry.instanceIds.push(t.instanceId);
    byWhere.set(key, entry);
  }
  return [...byWhere.values()];
}

/**
 * How far an instance's clock may differ from patchbot's: InstalledTime is the instance's own time,
 * the run's span is patchbot's, and a patch installed in the run's first seconds on an instance whose
 * clock runs slow must still count.
 */
export const INSTANCE_CLOCK_SKEW_MS = 5 * 60_000;

/** From the first send to the end: the run whose installs count (widened by INSTANCE_CLOCK_SKEW_MS when matching). */
function runOf(op: Operation): { from: Date; to: Date } {
  const result = readResult(op);
  const starts = (result.attempts ?? []).map((a) => Date.parse(a.at)).filter((t) => !Number.isNaN(t));
  const sent = result.sentAt ? Date.parse(result.sentAt) : Number.NaN;
  const from = starts.length > 0 ? Math.min(...starts) : Number.isNaN(sent) ? op.createdAt.getTime() : sent;
  return { from: new Date(from), to: op.finishedAt ?? op.updatedAt };
}

/** The patches `op` installed on the instances it was sent to, each with how many instances it went on. */
export async function installedBy(
  deps: Pick<PatchingDeps, 'gateways'>,
  op: Operation,
): Promise<{ patches: Map<string, Omit<PinnedPatch, 'entry'>>; instances: number; from: Date; to: Date }> {
  const { from, to } = runOf(op);
  const patches = new Map<string, Omit<PinnedPatch, 'entry'>>();
  let instances = 0;
  for (const where of sentTo(op)) {
    instances += where.instanceIds.length;
    const gw = gatewayFor(deps.gateways, where.scope, where.region);
    if (!gw) {
      throw new InputError(`promote: scope ${where.scope} (${where.region}) of ${op.id} not configured`, {
        userMessage: `The install ${op.id} ran in scope ${where.scope} (${where.region}), which is no longer configured, so what it installed cannot be read. Nothing was planned.`,
      });
    }
    const lists = await gw.listInstancePatches(where.instanceIds, ['Installed', 'InstalledOther']);
    for (const list of lists.values()) {
      const seen = new Set<string>();
      for (const p of list) {
        const at = p.installedTime?.getTime();
        if (
          at === undefined ||
          at < from.getTime() - INSTANCE_CLOCK_SKEW_MS ||
          at > to.getTime() + INSTANCE_CLOCK_SKEW_MS
        )
          continue;
        const key = promotionKey(p);
        if (seen.has(key)) continue;
        seen.add(key);
        const line = patches.get(key) ?? { title: p.title, kbId: p.kbId, installedOn: 0 };
        line.installedOn++;
        patches.set(key, line);
      }
    }
  }
  return { patches, instances, from, to };
}

/** The setting a promote onto `target` needs, as a line to paste. */
export function overrideListSetting(target: PatchGroup): string {
  return `groups.${target.name}.install.overrideList: { bucket: your-bucket-name, prefix: patchbot/override-lists }`;
}

/**
 * The plan of `/patch promote <source> <target>`: the target's install plan whose patches are exactly
 * those the source's last successful install installed and the target misses, with `pinned` naming
 * them and the source's evidence. Refuses (InputError) what cannot be promoted, before any card.
 */
export async function buildPromotePlan(
  deps: PatchingDeps,
  source: PatchGroup,
  target: PatchGroup,
): Promise<ChangePlan> {
  if (source.name === target.name) {
    throw new InputError('promote onto itself', {
      userMessage: `${target.name} cannot be promoted onto itself: promote copies what one group verified onto another. Usage: /patch promote <source group> <target group>.`,
    });
  }
  const location = target.install.overrideList;
  if (!location) {
    throw new InputError(`promote ${target.name}: no install.overrideList`, {
      userMessage: `Promote onto ${target.name} needs an S3 location for the pinned patch list (AWS-RunPatchBaseline's InstallOverrideList). Add ${overrideListSetting(target)} to patchbot.yml, give patchbot s3:PutObject on it and the instances s3:GetObject, then restart.`,
    });
  }
  const last = await lastSuccessfulInstall(deps, source);
  if (!last) {
    throw new InputError(`promote ${source.name}: no successful install`, {
      userMessage: `Nothing to promote: ${source.name} has no successful install through patchbot yet. Run /patch install ${source.name} first and let it succeed.`,
    });
  }
  let installed: Awaited<ReturnType<typeof installedBy>>;
  try {
    installed = await installedBy(deps, last);
  } catch (err) {
    if (err instanceof AwsError) {
      throw new PatchbotError(err.code, `promote: reading ${last.id}'s installed patches failed`, {
        cause: err,
        userMessage: `Could not read what ${source.name}'s install ${last.id} installed, so nothing was planned. ${err.userMessage}`,
      });
    }
    throw err;
  }
  const plan = await buildInstallPlan(deps, target);
  const patches = plan.patches.filter((p) => installed.patches.has(promotionKey(p)));
  if (installed.patches.size === 0 || patches.length === 0) {
    const what =
      installed.patches.size === 0
        ? `SSM records no patch installed by ${source.name}'s last successful install (${last.id})`
        : `none of the ${installed.patches.size} patches ${source.name}'s last successful install (${last.id}) installed is missing on ${target.name} in its latest scan`;
    throw new InputError(`promote ${source.name} ${target.name}: empty list`, {
      userMessage: `Nothing to promote: ${what}. /patch scan ${target.name} first if its scan is old.`,
    });
  }
  const pinnedPatches: PinnedPatch[] = patches.map((p) => {
    const from = installed.patches.get(promotionKey(p))!;
    return { ...from, entry: overrideEntry(from) };
  });
  const pinned: PinnedList = {
    fromGroup: source.name,
    operationId: last.id,
    ranFrom: installed.from,
    ranTo: installed.to,
    instances: installed.instances,
    patches: pinnedPatches,
    overrideList: { bucket: location.bucket, prefix: location.prefix },
  };
  return { ...plan, patches, pinned };
}
