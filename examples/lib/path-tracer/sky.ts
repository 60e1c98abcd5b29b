import type { Ray } from './ray.js';
import type { PathState } from './path.js';
import type { Sky } from './scene.js';

/**
 * Adds the sky light seen along `ray` (a blue-to-amber gradient and a soft sun), weighted by
 * the path's throughput, to what the path has gathered.
 *
 * @example
 * if (!intersectScene(scene, ray, hit)) addSkyLight(scene.sky, ray, path);
 */
export function addSkyLight(sky: Sky, ray: Ray, path: PathState): void {
  const height = Math.max(ray.directionY, 0);
  const blend = Math.sqrt(height);
  const sun = sky.sunDirection;
  const facing = ray.directionX * sun[0] + ray.directionY * sun[1] + ray.directionZ * sun[2];
  const glow = facing > 0 ? facing ** sky.sunSharpness : 0;
  const red = sky.horizon[0] + (sky.zenith[0] - sky.horizon[0]) * blend + sky.sunColor[0] * glow;
  const green = sky.horizon[1] + (sky.zenith[1] - sky.horizon[1]) * blend + sky.sunColor[1] * glow;
  const blue = sky.horizon[2] + (sky.zenith[2] - sky.horizon[2]) * blend + sky.sunColor[2] * glow;
  path.radianceRed += path.throughputRed * red;
  path.radianceGreen += path.throughputGreen * green;
  path.radianceBlue += path.throughputBlue * blue;
}
