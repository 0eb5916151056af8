/** The Node flags and allocator setting the Docker image runs patchbot with, so the benchmark measures the bot as deployed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './root';

function dockerfile(): string {
  return readFileSync(join(projectRoot(), 'Dockerfile'), 'utf8');
}

/** NODE_OPTIONS from the Dockerfile, split into arguments (none when it sets none). */
export function deployedNodeArgs(): string[] {
  const options = /NODE_OPTIONS=("[^"]*"|\S+)/.exec(dockerfile())?.[1]?.replace(/"/g, '');
  return options ? options.split(/\s+/).filter(Boolean) : [];
}

/** The Dockerfile's glibc allocator settings (MALLOC_*), as environment for a child; empty when it sets none. */
export function deployedEnv(): Record<string, string> {
  return Object.fromEntries([...dockerfile().matchAll(/\b(MALLOC_[A-Z_]+)=(\d+)/g)].map((m) => [m[1], m[2]]));
}
