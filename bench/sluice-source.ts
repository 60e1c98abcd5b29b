/**
 * Where the bench servers take sluice from. By default its TypeScript sources, through tsx;
 * with `SLUICE_BENCH_BUILT=1` (`bench:limits -- --built`), its build in `dist/`, the way
 * `sluice serve` runs it. The two differ in memory: tsx compiles with esbuild's `keepNames`,
 * which gives every closure a `name` property of its own (about 3.5 KB more heap per idle
 * inline stream). The app stays TypeScript either way, as a user's app is.
 */
export const BENCH_RUNS_BUILD = process.env.SLUICE_BENCH_BUILT === '1';

/**
 * The URL of one of sluice's modules, `path` as under `src/` with a `.js` suffix, from the
 * sources or from the build.
 *
 * @example
 * const { createGateway } = (await import(sluiceModule('server/create-gateway.js'))) as
 *   typeof GatewayModule; // import type * as GatewayModule from '../src/server/create-gateway.js'
 */
export function sluiceModule(path: string): string {
  return new URL(`../${BENCH_RUNS_BUILD ? 'dist' : 'src'}/${path}`, import.meta.url).href;
}
