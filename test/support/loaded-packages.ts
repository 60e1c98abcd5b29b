import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HOOKS = new URL('./import-recorder-hooks.js', import.meta.url).href;
const ROOT = new URL('../../', import.meta.url);

/** The package a module URL belongs to (its last `node_modules/<name>`), if any. */
function packageOf(url: string): string | undefined {
  const matches = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)];
  return matches.at(-1)?.[1];
}

export interface LoadOptions {
  /** Node flags before the script, e.g. `['--import', 'tsx']` to load TypeScript sources. */
  readonly nodeFlags?: readonly string[];
}

/**
 * Runs `script` (an ES module body) in a fresh Node process at the repository's root and
 * answers which npm packages it resolved, sorted: every module resolution goes through a
 * recording hook registered before the script's own imports.
 */
export async function packagesLoadedBy(script: string, options: LoadOptions = {}) {
  const directory = await mkdtemp(join(tmpdir(), 'sluice-imports-'));
  const logFile = join(directory, 'resolved.log');
  const prelude = `import { register } from 'node:module';
register(${JSON.stringify(HOOKS)}, { data: { logFile: ${JSON.stringify(logFile)} } });\n`;
  try {
    const flags = [...(options.nodeFlags ?? []), '--input-type=module', '-e'];
    await run(process.execPath, [...flags, prelude + script], { cwd: ROOT, timeout: 60_000 });
    const urls = (await readFile(logFile, 'utf8')).split('\n');
    const packages = new Set(urls.map(packageOf).filter((name) => name !== undefined));
    return [...packages].sort();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
