import type { MapOptions, MapTarget } from '../app/app-types.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { ChildTarget } from './child-runs.js';

/** How many children run at once unless `concurrency` says otherwise. */
export const DEFAULT_MAP_CONCURRENCY = 16;

const APP_ID = /^[A-Za-z0-9][\w.-]*(?:\/[A-Za-z0-9][\w.-]*)?$/;
const TARGET_PROBLEM =
  "ctx.map and ctx.stream need a target of 'owner/name', 'owner/name/sub/path', a one-segment 'name' or { app, path }";

/**
 * Where `ctx.map` and `ctx.stream` send their inputs: `'owner/name'` (the default endpoint),
 * `'owner/name/sub/path'`, a one-segment app id `'flux'`, or `{ app, path }` (with either
 * kind of id: `{ app: 'flux', path: '/img2img' }`).
 *
 * @example
 * parseMapTarget('demo/images/upscale'); // { appId: 'demo/images', path: '/upscale' }
 */
export function parseMapTarget(target: MapTarget): ChildTarget {
  const [appId, rawPath] =
    typeof target === 'string'
      ? [target.split('/').slice(0, 2).join('/'), target.split('/').slice(2).join('/')]
      : [target.app, target.path ?? ''];
  if (typeof appId !== 'string' || !APP_ID.test(appId) || typeof rawPath !== 'string') {
    throw new SluiceError('app_error', TARGET_PROBLEM);
  }
  const path = rawPath.replace(/^\/+|\/+$/g, '');
  return { appId, path: path === '' ? '' : `/${path}` };
}

/** `ctx.map`'s options with their defaults, or `app_error` naming the bad one. */
export function checkOptions(options: MapOptions): Required<MapOptions> {
  const concurrency = options.concurrency ?? DEFAULT_MAP_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new SluiceError('app_error', 'ctx.map needs a concurrency that is a positive integer');
  }
  const order = options.order ?? 'input';
  if (order !== 'input' && order !== 'completion') {
    throw new SluiceError('app_error', "ctx.map needs an order of 'input' or 'completion'");
  }
  return { concurrency, order, returnExceptions: options.returnExceptions ?? false };
}
