import type { Material } from './scene.js';

/** A ray, mutated in place as a path bounces so the hot loop allocates nothing. */
export interface Ray {
  originX: number;
  originY: number;
  originZ: number;
  /** Unit length. */
  directionX: number;
  directionY: number;
  directionZ: number;
}

/** Where a ray met a surface; the normal always faces the incoming ray. */
export interface Hit {
  distance: number;
  pointX: number;
  pointY: number;
  pointZ: number;
  normalX: number;
  normalY: number;
  normalZ: number;
  /** Whether the ray arrived from outside the surface (matters for glass). */
  frontFace: boolean;
  material: Material | undefined;
}

/**
 * A zeroed ray, to be reused.
 *
 * @example
 * const ray = createRay();
 */
export function createRay(): Ray {
  return { originX: 0, originY: 0, originZ: 0, directionX: 0, directionY: 0, directionZ: 1 };
}

/**
 * An empty hit record, to be reused.
 *
 * @example
 * const hit = createHit();
 */
export function createHit(): Hit {
  return {
    distance: 0,
    pointX: 0,
    pointY: 0,
    pointZ: 0,
    normalX: 0,
    normalY: 1,
    normalZ: 0,
    frontFace: true,
    material: undefined,
  };
}
