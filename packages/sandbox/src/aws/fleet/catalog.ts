/**
 * The patch catalog: what each operating system's vendor has released, with release dates
 * relative to the clock so approval delays (1 day for staging, 31 for production, 7 for Windows)
 * give each baseline a different set of approved patches.
 */
import type { CatalogPatch, OperatingSystem } from './model';

const DAY_MS = 86_400_000;

interface PatchTemplate {
  /** Advisory or KB number; the year is taken from the release date. */
  number: number;
  packageName: string;
  classification: string;
  severity: string;
  daysAgo: number;
  roles?: string[];
}

/** Amazon Linux 2 advisories, newest first. */
const AL2_PATCHES: PatchTemplate[] = [
  { number: 2412, packageName: 'openssl', classification: 'Security', severity: 'Critical', daysAgo: 0.5 },
  { number: 2409, packageName: 'kernel', classification: 'Security', severity: 'Critical', daysAgo: 2 },
  { number: 2405, packageName: 'glibc', classification: 'Security', severity: 'Important', daysAgo: 5 },
  { number: 2398, packageName: 'curl', classification: 'Security', severity: 'Medium', daysAgo: 9 },
  { number: 2391, packageName: 'python3', classification: 'Bugfix', severity: 'None', daysAgo: 14 },
  {
    number: 2377,
    packageName: 'mariadb',
    classification: 'Security',
    severity: 'Important',
    daysAgo: 24,
    roles: ['db'],
  },
  { number: 2362, packageName: 'sudo', classification: 'Security', severity: 'Critical', daysAgo: 38 },
  {
    number: 2350,
    packageName: 'nginx',
    classification: 'Security',
    severity: 'Important',
    daysAgo: 47,
    roles: ['web'],
  },
  { number: 2331, packageName: 'systemd', classification: 'Security', severity: 'Important', daysAgo: 64 },
  { number: 2310, packageName: 'vim', classification: 'Security', severity: 'Low', daysAgo: 80 },
  { number: 2288, packageName: 'bash', classification: 'Security', severity: 'Important', daysAgo: 120 },
  { number: 2260, packageName: 'openssh', classification: 'Security', severity: 'Critical', daysAgo: 150 },
  { number: 2231, packageName: 'ca-certificates', classification: 'Enhancement', severity: 'None', daysAgo: 190 },
  { number: 2207, packageName: 'expat', classification: 'Security', severity: 'Medium', daysAgo: 230 },
  { number: 2180, packageName: 'libxml2', classification: 'Security', severity: 'Important', daysAgo: 300 },
  { number: 2152, packageName: 'zlib', classification: 'Security', severity: 'Critical', daysAgo: 360 },
];

/** Windows Server updates, newest first. */
const WINDOWS_PATCHES: PatchTemplate[] = [
  {
    number: 5071204,
    packageName: 'Cumulative Update for Microsoft server operating system version 21H2',
    classification: 'SecurityUpdates',
    severity: 'Critical',
    daysAgo: 3,
  },
  {
    number: 5070883,
    packageName: 'Security Update for .NET Framework 4.8',
    classification: 'SecurityUpdates',
    severity: 'Important',
    daysAgo: 12,
  },
  {
    number: 5070512,
    packageName: 'Servicing Stack Update',
    classification: 'CriticalUpdates',
    severity: 'Critical',
    daysAgo: 26,
  },
  {
    number: 5069950,
    packageName: 'Update for Windows Server 2022',
    classification: 'Updates',
    severity: 'Unspecified',
    daysAgo: 15,
  },
  {
    number: 5069431,
    packageName: 'Security Update for Internet Information Services',
    classification: 'SecurityUpdates',
    severity: 'Important',
    daysAgo: 40,
    roles: ['iis'],
  },
  {
    number: 5068802,
    packageName: 'Cumulative Update for Microsoft server operating system version 21H2',
    classification: 'SecurityUpdates',
    severity: 'Critical',
    daysAgo: 55,
  },
  {
    number: 5067210,
    packageName: 'Security Update for Active Directory Domain Services',
    classification: 'SecurityUpdates',
    severity: 'Important',
    daysAgo: 95,
    roles: ['ad'],
  },
  {
    number: 5066118,
    packageName: 'Cumulative Update for Microsoft server operating system version 21H2',
    classification: 'SecurityUpdates',
    severity: 'Critical',
    daysAgo: 140,
  },
  {
    number: 5064077,
    packageName: 'Definition Update for Microsoft Defender Antivirus',
    classification: 'DefinitionUpdates',
    severity: 'Unspecified',
    daysAgo: 200,
  },
];

function fromTemplate(os: OperatingSystem, t: PatchTemplate, now: number): CatalogPatch {
  const releaseDate = new Date(now - t.daysAgo * DAY_MS);
  const year = releaseDate.getUTCFullYear();
  const month = String(releaseDate.getUTCMonth() + 1).padStart(2, '0');
  const cve = `CVE-${year}-${String(10000 + ((t.number * 7) % 89999)).padStart(5, '0')}`;
  if (os === 'WINDOWS') {
    const kb = `KB${t.number}`;
    return {
      id: kb,
      os,
      title: `${year}-${month} ${t.packageName} for x64-based Systems (${kb})`,
      kbId: kb,
      classification: t.classification,
      severity: t.severity,
      releaseDate,
      ...(t.classification === 'SecurityUpdates' ? { cveIds: cve } : {}),
      ...(t.roles ? { roles: t.roles } : {}),
    };
  }
  const advisory = `ALAS2-${year}-${t.number}`;
  return {
    id: advisory,
    os,
    title: advisory,
    kbId: `${t.packageName}.x86_64:0:${1 + (t.number % 9)}.${t.number % 97}.${t.number % 13}-1.amzn2`,
    classification: t.classification,
    severity: t.severity,
    releaseDate,
    ...(t.classification === 'Security' ? { cveIds: cve } : {}),
    ...(t.roles ? { roles: t.roles } : {}),
  };
}

/** A partition's catalog: every released patch by id, and per OS newest first. */
export class PatchCatalog {
  private readonly byId = new Map<string, CatalogPatch>();
  private readonly byOs = new Map<OperatingSystem, CatalogPatch[]>();

  /** Builds the standard catalog with release dates counted back from `now`. */
  static standard(now: number): PatchCatalog {
    const catalog = new PatchCatalog();
    for (const t of AL2_PATCHES) catalog.add(fromTemplate('AMAZON_LINUX_2', t, now));
    for (const t of WINDOWS_PATCHES) catalog.add(fromTemplate('WINDOWS', t, now));
    return catalog;
  }

  /** Adds a patch; ids are unique per catalog. */
  add(patch: CatalogPatch): void {
    if (this.byId.has(patch.id)) throw new Error(`patch ${patch.id} already exists`);
    this.byId.set(patch.id, patch);
    const list = this.byOs.get(patch.os) ?? [];
    list.push(patch);
    this.byOs.set(patch.os, list);
  }

  /** A patch by id, title or KB id. */
  find(idOrTitle: string): CatalogPatch | undefined {
    const direct = this.byId.get(idOrTitle);
    if (direct) return direct;
    for (const patch of this.byId.values()) if (patch.title === idOrTitle || patch.kbId === idOrTitle) return patch;
    return undefined;
  }

  /** Every patch for an operating system. */
  forOs(os: OperatingSystem): readonly CatalogPatch[] {
    return this.byOs.get(os) ?? [];
  }

  /** How many patches the catalog holds. */
  get size(): number {
    return this.byId.size;
  }
}

/** Milliseconds in a day, for callers that count approval delays. */
export const ONE_DAY_MS = DAY_MS;
