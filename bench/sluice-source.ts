import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Where the bench servers take sluice from. By default its TypeScript sources, through tsx;
 * with `SLUICE_BENCH_BUILT=1` (`bench:limits -- --built`), its build in `dist/`, the way
 * `sluice serve` runs it. The two differ in memory: tsx compiles with esbuild's `keepNames`,
 * which gives every closure a `name` property of its own (about 3.5 KB more heap per idle
 * inline stream). The app stays TypeScript either way, as a user's app is.
 */
export function benchRunsBuild(): boolean {
  return process.env.SLUICE_BENCH_BUILT === '1';
}

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD_TIMEOUT_MS = 300_000;

/**
 * The file of one of sluice's modules, `path` as under `src/` without its extension:
 * `src/<path>.ts`, or `dist/<path>.js` when the bench runs the build.
 *
 * @example
 * const { createGateway } = (await import(sluiceModule('server/create-gateway'))) as
 *   typeof GatewayModule; // import type * as GatewayModule from '../src/server/create-gateway.js'
 */
export function sluiceModule(path: string): string {
  const file = benchRunsBuild() ? `dist/${path}.js` : `src/${path}.ts`;
  return fileURLToPath(new URL(`../${file}`, import.meta.url));
}

/**
 * Compiles sluice with `tsc -p tsconfig.build.json` and `extraOptions`: into the
 * repository's own `dist/`, as `npm run build` does, unless they say otherwise.
 *
 * @example
 * buildSluice(['--outDir', '/tmp/somewhere/dist']);
 */
export function buildSluice(extraOptions: readonly string[] = []): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', ...extraOptions], {
    cwd: REPOSITORY_ROOT,
    stdio: 'inherit',
    timeout: BUILD_TIMEOUT_MS,
  });
  if (result.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (${result.status})`);
}
