/**
 * The demo page's script: the typed browser modules under browser/ bundled by esbuild into one
 * readable IIFE when the page is first served, once per process (concurrent first requests share
 * the build). A failed build is tried again on the next request.
 */
import { join } from 'node:path';
import { build, stop } from 'esbuild';

// Found from this file's own place, so tsx (npm run demo) and ts-jest resolve the same sources.
const BROWSER = join(__dirname, 'browser');

let bundle: Promise<string> | undefined;
let builds = 0;

/** The page's script, ready to inline in its `<script>` element. */
export function pageScript(): Promise<string> {
  if (!bundle) {
    builds += 1;
    bundle = bundleScript().catch((err: unknown) => {
      bundle = undefined;
      throw err;
    });
  }
  return bundle;
}

/** How many bundles this process has started (one, unless a build failed). */
export function scriptBuilds(): number {
  return builds;
}

/** Script text that cannot close its `<script>` element early: `</` becomes `<\/`, the same in JS strings, regexes and comments. */
export function inlineSafe(js: string): string {
  return js.replace(/<\//g, '<\\/');
}

async function bundleScript(): Promise<string> {
  try {
    return await buildOnce();
  } finally {
    // The build is the only one this process needs: end esbuild's service process, which would
    // otherwise keep the process (a test run, the demo after Ctrl-C) from exiting.
    await stop();
  }
}

async function buildOnce(): Promise<string> {
  const result = await build({
    entryPoints: [join(BROWSER, 'main.ts')],
    tsconfig: join(BROWSER, 'tsconfig.json'),
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    minify: false,
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no output');
  return inlineSafe(out.text);
}
