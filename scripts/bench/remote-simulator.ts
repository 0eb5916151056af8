/** The fleet simulator in a child process, driven through its admin endpoints. */
import type { JournalEntry, SimulatorOptions, Stats } from '../../packages/sandbox/src/aws';
import { startChild } from './child';

/** The admin surface the benchmark needs. */
export interface RemoteSimulator {
  url: string;
  buildMs: number;
  stats(): Promise<Stats>;
  resetStats(): Promise<void>;
  configure(changes: Record<string, unknown>): Promise<void>;
  /** Releases a patch; without `partition`, in the simulator's first account and region. */
  releasePatch(release: Record<string, unknown>, partition?: { account: string; region: string }): Promise<void>;
  /** The change requests it carried out (its journal), optionally of one operation only. */
  changes(operation?: string): Promise<JournalEntry[]>;
  close(): Promise<void>;
}

/** Starts the simulator in a child process with `options` and waits until it listens. */
export async function startRemoteSimulator(options: SimulatorOptions): Promise<RemoteSimulator> {
  const child = await startChild<{ url: string; buildMs: number }>('simulator-process', options);
  const { url, buildMs } = child.ready;
  const admin = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    url,
    buildMs,
    stats: async () => (await admin('GET', '/_sandbox/stats')) as Stats,
    resetStats: async () => void (await admin('POST', '/_sandbox/stats/reset')),
    configure: async (changes) => void (await admin('POST', '/_sandbox/config', changes)),
    releasePatch: async (release, p) =>
      void (await admin('POST', `/_sandbox/patches${p ? `?account=${p.account}&region=${p.region}` : ''}`, release)),
    changes: async (operation) =>
      (await admin(
        'GET',
        `/_sandbox/changes${operation ? `?operation=${encodeURIComponent(operation)}` : ''}`,
      )) as JournalEntry[],
    close: () => child.close(),
  };
}
