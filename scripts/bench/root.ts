/** The project's root (where package.json is), whether the benchmark runs from source or compiled. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Walks up from this file to the folder holding package.json. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}
