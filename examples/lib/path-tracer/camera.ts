import type { Ray } from './ray.js';
import type { CameraSettings } from './scene.js';

type Vector = [number, number, number];

function subtract(a: readonly number[], b: readonly number[]): Vector {
  return [(a[0] ?? 0) - (b[0] ?? 0), (a[1] ?? 0) - (b[1] ?? 0), (a[2] ?? 0) - (b[2] ?? 0)];
}

function cross(a: Vector, b: Vector): Vector {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function scale(vector: Vector, factor: number): Vector {
  return [vector[0] * factor, vector[1] * factor, vector[2] * factor];
}

function normalize(vector: Vector): Vector {
  return scale(vector, 1 / Math.hypot(...vector));
}

/**
 * A pinhole camera precomputed for one image size: image coordinates (in pixels, from the
 * top-left corner) map linearly to ray directions.
 *
 * @example
 * const camera = new Camera(scene.camera, 512, 512);
 * camera.aim(ray, column + random.next(), row + random.next());
 */
export class Camera {
  private readonly position: Vector;
  /** The direction towards the image's top-left corner. */
  private readonly corner: Vector;
  /** One pixel to the right. */
  private readonly right: Vector;
  /** One pixel down. */
  private readonly down: Vector;

  constructor(settings: CameraSettings, width: number, height: number) {
    const forward = normalize(subtract(settings.target, settings.position));
    const rightUnit = normalize(cross(forward, [0, 1, 0]));
    const upUnit = cross(rightUnit, forward);
    const pixelSize = (2 * Math.tan((settings.fieldOfView * Math.PI) / 360)) / height;
    this.position = [...settings.position];
    this.right = scale(rightUnit, pixelSize);
    this.down = scale(upUnit, -pixelSize);
    const halfAcross = scale(this.right, width / 2);
    this.corner = subtract(subtract(forward, halfAcross), scale(this.down, height / 2));
  }

  /** Points `ray` from the camera through image point (`x`, `y`). */
  aim(ray: Ray, x: number, y: number): void {
    const { corner, right, down, position } = this;
    const directionX = corner[0] + x * right[0] + y * down[0];
    const directionY = corner[1] + x * right[1] + y * down[1];
    const directionZ = corner[2] + x * right[2] + y * down[2];
    const inverseLength = 1 / Math.sqrt(directionX ** 2 + directionY ** 2 + directionZ ** 2);
    ray.originX = position[0];
    ray.originY = position[1];
    ray.originZ = position[2];
    ray.directionX = directionX * inverseLength;
    ray.directionY = directionY * inverseLength;
    ray.directionZ = directionZ * inverseLength;
  }
}
