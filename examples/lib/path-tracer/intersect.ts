import type { Hit, Ray } from './ray.js';
import type { Ground, Scene, Sphere } from './scene.js';

/** Hits closer than this are the surface the ray just left (floating-point acne). */
const MIN_DISTANCE = 1e-4;

function sphereDistance(sphere: Sphere, ray: Ray, nearest: number): number {
  const toOriginX = ray.originX - sphere.centerX;
  const toOriginY = ray.originY - sphere.centerY;
  const toOriginZ = ray.originZ - sphere.centerZ;
  const halfB =
    toOriginX * ray.directionX + toOriginY * ray.directionY + toOriginZ * ray.directionZ;
  const c =
    toOriginX * toOriginX + toOriginY * toOriginY + toOriginZ * toOriginZ - sphere.radiusSquared;
  const discriminant = halfB * halfB - c;
  if (discriminant < 0) return Infinity;
  const root = Math.sqrt(discriminant);
  const near = -halfB - root;
  if (near > MIN_DISTANCE && near < nearest) return near;
  const far = -halfB + root;
  return far > MIN_DISTANCE && far < nearest ? far : Infinity;
}

function recordSphereHit(sphere: Sphere, ray: Ray, hit: Hit): void {
  const inverseRadius = 1 / sphere.radius;
  let normalX = (hit.pointX - sphere.centerX) * inverseRadius;
  let normalY = (hit.pointY - sphere.centerY) * inverseRadius;
  let normalZ = (hit.pointZ - sphere.centerZ) * inverseRadius;
  hit.frontFace =
    normalX * ray.directionX + normalY * ray.directionY + normalZ * ray.directionZ < 0;
  if (!hit.frontFace) {
    normalX = -normalX;
    normalY = -normalY;
    normalZ = -normalZ;
  }
  hit.normalX = normalX;
  hit.normalY = normalY;
  hit.normalZ = normalZ;
  hit.material = sphere.material;
}

function recordGroundHit(ground: Ground, hit: Hit): void {
  hit.normalX = 0;
  hit.normalY = 1;
  hit.normalZ = 0;
  hit.frontFace = true;
  const cellX = Math.floor(hit.pointX / ground.checkerSize);
  const cellZ = Math.floor(hit.pointZ / ground.checkerSize);
  hit.material = (cellX + cellZ) & 1 ? ground.dark : ground.light;
}

function setPoint(ray: Ray, distance: number, hit: Hit): void {
  hit.distance = distance;
  hit.pointX = ray.originX + distance * ray.directionX;
  hit.pointY = ray.originY + distance * ray.directionY;
  hit.pointZ = ray.originZ + distance * ray.directionZ;
}

/**
 * Finds the nearest surface along `ray` and fills `hit`; false when the ray escapes to the
 * sky. The floor is seen from above only.
 *
 * @example
 * if (!intersectScene(scene, ray, hit)) addSky(ray);
 */
export function intersectScene(scene: Scene, ray: Ray, hit: Hit): boolean {
  let nearest = ray.directionY < 0 ? -ray.originY / ray.directionY : Infinity;
  if (nearest <= MIN_DISTANCE) nearest = Infinity;
  let nearestSphere: Sphere | undefined;
  for (const sphere of scene.spheres) {
    const distance = sphereDistance(sphere, ray, nearest);
    if (distance < nearest) {
      nearest = distance;
      nearestSphere = sphere;
    }
  }
  if (nearest === Infinity) return false;
  setPoint(ray, nearest, hit);
  if (nearestSphere) recordSphereHit(nearestSphere, ray, hit);
  else recordGroundHit(scene.ground, hit);
  return true;
}
