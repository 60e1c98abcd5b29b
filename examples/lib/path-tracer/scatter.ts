import type { SeededRandom } from '../seeded-random.js';
import type { PathState } from './path.js';
import type { Hit, Ray } from './ray.js';
import type { Material } from './scene.js';
import type { TraceScratch } from './trace-scratch.js';

/** A random unit vector, written into the ray's direction (normalised by the caller). */
function setRandomUnitDirection(ray: Ray, random: SeededRandom): void {
  const z = 1 - 2 * random.next();
  const angle = 2 * Math.PI * random.next();
  const radius = Math.sqrt(1 - z * z);
  ray.directionX = radius * Math.cos(angle);
  ray.directionY = radius * Math.sin(angle);
  ray.directionZ = z;
}

function normalizeDirection(ray: Ray, hit: Hit): void {
  const { directionX, directionY, directionZ } = ray;
  const length = Math.sqrt(
    directionX * directionX + directionY * directionY + directionZ * directionZ,
  );
  if (length < 1e-9) {
    ray.directionX = hit.normalX;
    ray.directionY = hit.normalY;
    ray.directionZ = hit.normalZ;
    return;
  }
  ray.directionX /= length;
  ray.directionY /= length;
  ray.directionZ /= length;
}

/** Lambertian: the normal plus a random unit vector is cosine-distributed. */
function scatterDiffuse(hit: Hit, ray: Ray, random: SeededRandom): void {
  setRandomUnitDirection(ray, random);
  ray.directionX += hit.normalX;
  ray.directionY += hit.normalY;
  ray.directionZ += hit.normalZ;
  normalizeDirection(ray, hit);
}

function reflect(hit: Hit, ray: Ray): void {
  const along =
    2 *
    (ray.directionX * hit.normalX + ray.directionY * hit.normalY + ray.directionZ * hit.normalZ);
  ray.directionX -= along * hit.normalX;
  ray.directionY -= along * hit.normalY;
  ray.directionZ -= along * hit.normalZ;
}

function scatterMetal(hit: Hit, ray: Ray, random: SeededRandom): boolean {
  reflect(hit, ray);
  const { directionX, directionY, directionZ } = ray;
  const fuzz = hit.material?.fuzz ?? 0;
  setRandomUnitDirection(ray, random);
  ray.directionX = directionX + fuzz * ray.directionX;
  ray.directionY = directionY + fuzz * ray.directionY;
  ray.directionZ = directionZ + fuzz * ray.directionZ;
  normalizeDirection(ray, hit);
  return (
    ray.directionX * hit.normalX + ray.directionY * hit.normalY + ray.directionZ * hit.normalZ > 0
  );
}

/** Refracts by Snell's law, or reflects (total internal reflection, or Schlick's Fresnel odds). */
function scatterGlass(hit: Hit, ray: Ray, random: SeededRandom): void {
  const index = hit.material?.refractiveIndex ?? 1.5;
  const ratio = hit.frontFace ? 1 / index : index;
  const cosine = Math.min(
    -(ray.directionX * hit.normalX + ray.directionY * hit.normalY + ray.directionZ * hit.normalZ),
    1,
  );
  const sineSquared = ratio * ratio * (1 - cosine * cosine);
  const r0 = ((1 - ratio) / (1 + ratio)) ** 2;
  const reflectance = r0 + (1 - r0) * (1 - cosine) ** 5;
  if (sineSquared > 1 || reflectance > random.next()) {
    reflect(hit, ray);
    return;
  }
  const parallel = ratio * cosine - Math.sqrt(1 - sineSquared);
  ray.directionX = ratio * ray.directionX + parallel * hit.normalX;
  ray.directionY = ratio * ray.directionY + parallel * hit.normalY;
  ray.directionZ = ratio * ray.directionZ + parallel * hit.normalZ;
}

function attenuate(path: PathState, material: Material): void {
  path.throughputRed *= material.red;
  path.throughputGreen *= material.green;
  path.throughputBlue *= material.blue;
}

/**
 * Bounces a path off the surface it hit: moves the ray to the hit point, picks a new
 * direction by the material's kind, and dims the throughput by its colour. False when the
 * light is absorbed (a fuzzy reflection that points into the surface).
 *
 * @example
 * if (!scatter(scratch)) return;
 */
export function scatter(scratch: TraceScratch): boolean {
  const { hit, ray, random, path } = scratch;
  const material = hit.material;
  if (!material) return false;
  ray.originX = hit.pointX;
  ray.originY = hit.pointY;
  ray.originZ = hit.pointZ;
  attenuate(path, material);
  switch (material.kind) {
    case 'diffuse':
      scatterDiffuse(hit, ray, random);
      return true;
    case 'metal':
      return scatterMetal(hit, ray, random);
    case 'glass':
      scatterGlass(hit, ray, random);
      return true;
  }
}
