import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
/** The replica entry next to this file: `.ts` in a checkout, `.js` once built. */
const ENTRY = fileURLToPath(new URL(`./replica-main${extname(here)}`, import.meta.url));
/**
 * Node flags that load the entry. Built, none: the replica registers tsx itself once it
 * meets a TypeScript app file, so sluice's own modules load without the loader's hooks.
 * In a checkout, tsx's ESM hooks (resolved from sluice itself so users need not install
 * it) load the TypeScript entry.
 */
const ENTRY_FLAGS = ENTRY.endsWith('.ts')
  ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href]
  : [];

/**
 * Forks one rank process of a replica with an IPC channel that uses structured clone
 * (`serialization: 'advanced'`), so typed arrays cross without JSON. tsx loads the app's
 * TypeScript, as the CLI does (see `importUserModule`).
 *
 * @example
 * const child = spawnRank({ environment: rankEnvironment(...), nodeOptions: [] });
 */
export function spawnRank(options: {
  readonly environment: Record<string, string>;
  /** Extra Node flags, such as `--max-old-space-size=64`. */
  readonly nodeOptions: readonly string[];
}): ChildProcess {
  return fork(ENTRY, [], {
    execArgv: [...ENTRY_FLAGS, ...options.nodeOptions],
    env: { ...process.env, ...options.environment },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
