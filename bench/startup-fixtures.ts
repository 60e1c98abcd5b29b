import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSluice } from './sluice-source.js';

/** The repository root, where the bench's commands run. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the startup benchmark builds and writes in a temporary directory. */
export interface StartupFixtures {
  /** The built sluice (`tsc -p tsconfig.build.json`), as a directory URL. */
  readonly dist: URL;
  /** The same no-op app three ways. */
  readonly apps: {
    /** TypeScript, imports `sluice`'s built entry (dist/index.js), as a user's app does. */
    readonly typescript: URL;
    /** The same app as JavaScript: no TypeScript loader at all. */
    readonly javascript: URL;
    /** TypeScript, imports `defineApp` from its own module, not through the entry. */
    readonly authoringOnly: URL;
  };
  /** A forked process that says hello over IPC at once and leaves when disconnected. */
  readonly hello: URL;
  /** Deletes the directory. */
  readonly remove: () => Promise<void>;
}

function appSource(entry: string): string {
  return [
    `import { z } from 'zod';`,
    `import { defineApp } from '${entry}';`,
    `export const bare = defineApp({ id: 'bench/bare', input: z.object({}), run: () => ({}) });`,
    '',
  ].join('\n');
}

function buildInto(outDir: string): void {
  buildSluice(['--outDir', outDir, '--sourceMap', 'false', '--declaration', 'false']);
}

/**
 * Builds sluice into a temporary directory (with `node_modules` linked to the repository's
 * and `"type": "module"`, like an installed package) and writes the apps and the hello
 * script next to it.
 *
 * @example
 * const fixtures = await prepareStartupFixtures();
 * try { ... } finally { await fixtures.remove(); }
 */
export async function prepareStartupFixtures(): Promise<StartupFixtures> {
  const directory = await mkdtemp(join(tmpdir(), 'sluice-startup-'));
  const at = (name: string) => pathToFileURL(join(directory, name));
  await symlink(join(REPOSITORY_ROOT, 'node_modules'), join(directory, 'node_modules'), 'dir');
  await writeFile(join(directory, 'package.json'), '{ "type": "module" }\n');
  buildInto(join(directory, 'dist'));
  const fixtures: StartupFixtures = {
    dist: at('dist/'),
    apps: {
      typescript: at('app-sluice.ts'),
      javascript: at('app-sluice.js'),
      authoringOnly: at('app-define-app.ts'),
    },
    hello: at('hello.js'),
    remove: () => rm(directory, { recursive: true, force: true }),
  };
  await writeFile(fixtures.apps.typescript, appSource('./dist/index.js'));
  await writeFile(fixtures.apps.javascript, appSource('./dist/index.js'));
  await writeFile(fixtures.apps.authoringOnly, appSource('./dist/app/define-app.js'));
  await writeFile(
    fixtures.hello,
    "process.send('ready');\nprocess.on('disconnect', () => process.exit(0));\n",
  );
  return fixtures;
}
