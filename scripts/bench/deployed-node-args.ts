/** The Node flags the Docker image runs patchbot with (its NODE_OPTIONS), so the benchmark measures the bot as deployed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './root';

/** NODE_OPTIONS from the Dockerfile, split into arguments (none when it sets none). */
export function deployedNodeArgs(): string[] {
  const dockerfile = readFileSync(join(projectRoot(), 'Dockerfile'), 'utf8');
  const options = /NODE_OPTIONS=("[^"]*"|\S+)/.exec(dockerfile)?.[1]?.replace(/"/g, '');
  return options ? options.split(/\s+/).filter(Boolean) : [];
}
