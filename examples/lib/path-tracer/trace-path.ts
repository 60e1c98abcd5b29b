import { intersectScene } from './intersect.js';
import type { Scene } from './scene.js';
import { scatter } from './scatter.js';
import { addSkyLight } from './sky.js';
import type { TraceScratch } from './trace-scratch.js';

/**
 * Follows the light path that starts as `scratch.ray` through at most `bounces` scatterings,
 * gathering sky light into `scratch.path`. A path still bouncing after that gathers nothing
 * more (the usual bias of a depth cap, darkening deep glass a little).
 *
 * @example
 * resetPath(scratch.path);
 * tracePath(scene, scratch, 3);
 */
export function tracePath(scene: Scene, scratch: TraceScratch, bounces: number): void {
  const { ray, hit, path } = scratch;
  for (let bounce = 0; bounce <= bounces; bounce++) {
    if (!intersectScene(scene, ray, hit)) {
      addSkyLight(scene.sky, ray, path);
      return;
    }
    if (bounce === bounces || !scatter(scratch)) return;
  }
}
