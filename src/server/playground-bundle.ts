import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/** One bundled file of the playground, served from memory. */
export interface PlaygroundAsset {
  readonly contentType: string;
  readonly body: string;
}

/** The playground's bundled files by name: `main.js`, `main.css`, `docs.js`, `docs.css`. */
export type PlaygroundAssets = ReadonlyMap<string, PlaygroundAsset>;

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIR = join(PACKAGE_ROOT, 'src');
/** The tree this module runs from: `src/` from source, `dist/` when published. */
const RUNNING_TREE = fileURLToPath(new URL('../', import.meta.url));

/**
 * The page imports sluice's browser-safe modules (`../src/client/…`,
 * `../src/client/progress-facts.js`) by their source paths. A published package has no `src/`,
 * so those imports are sent to the same files in the tree the gateway runs from (`dist/`).
 */
const runningTree: Plugin = {
  name: 'sluice-running-tree',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(\.\.\/)+src\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (resolve(RUNNING_TREE) === SOURCE_DIR || !target.startsWith(SOURCE_DIR)) return undefined;
      const path = join(RUNNING_TREE, target.slice(SOURCE_DIR.length));
      return pluginBuild.resolve(path, { kind: args.kind, resolveDir: args.resolveDir });
    });
  },
};

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function contentTypeOf(name: string): string {
  return CONTENT_TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
}

/**
 * Bundles the playground (`playground/main.ts`, `playground/docs/main.ts` and their CSS)
 * with esbuild, in memory.
 *
 * @example
 * const assets = await bundlePlayground();
 * assets.get('main.js')?.body;
 */
export async function bundlePlayground(): Promise<PlaygroundAssets> {
  // esbuild loads with the first bundle, not with the gateway: it is large and only the page needs it.
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: PACKAGE_ROOT,
    entryPoints: { main: 'playground/main.ts', docs: 'playground/docs/main.ts' },
    plugins: [runningTree],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    outdir: 'playground-bundle',
    write: false,
    logLevel: 'silent',
  });
  return new Map(
    result.outputFiles.map((file) => {
      const name = basename(file.path);
      return [name, { contentType: contentTypeOf(name), body: file.text }];
    }),
  );
}
