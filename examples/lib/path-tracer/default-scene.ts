import type { Material, Scene, Sphere } from './scene.js';

function material(kind: Material['kind'], color: [number, number, number], knobs = {}): Material {
  const [red, green, blue] = color;
  return { kind, red, green, blue, fuzz: 0, refractiveIndex: 1.5, ...knobs };
}

function sphere(center: [number, number, number], radius: number, surface: Material): Sphere {
  const [centerX, centerY, centerZ] = center;
  return { centerX, centerY, centerZ, radius, radiusSquared: radius * radius, material: surface };
}

function normalize(vector: [number, number, number]): [number, number, number] {
  const length = Math.hypot(...vector);
  return [vector[0] / length, vector[1] / length, vector[2] / length];
}

/**
 * The demo scene: a glass ball between a matte red one and a brushed gold one, on a
 * checkered floor under an evening sky.
 *
 * @example
 * const renderer = new ProgressiveRenderer({ scene: createDefaultScene(), width, height, seed });
 */
export function createDefaultScene(): Scene {
  return {
    spheres: [
      sphere([0, 1, 0], 1, material('glass', [1, 1, 1])),
      sphere([-2.15, 0.8, 0.45], 0.8, material('diffuse', [0.75, 0.18, 0.12])),
      sphere([2.1, 0.9, -0.35], 0.9, material('metal', [0.9, 0.72, 0.38], { fuzz: 0.08 })),
      sphere([0.75, 0.3, 1.7], 0.3, material('diffuse', [0.2, 0.45, 0.8])),
    ],
    ground: {
      checkerSize: 1,
      light: material('diffuse', [0.78, 0.78, 0.74]),
      dark: material('diffuse', [0.16, 0.17, 0.19]),
    },
    sky: {
      horizon: [0.85, 0.72, 0.62],
      zenith: [0.12, 0.26, 0.7],
      sunDirection: normalize([-0.7, 0.5, 0.35]),
      sunColor: [4.5, 3.2, 2],
      sunSharpness: 10,
    },
    camera: { position: [0, 2.1, 7.8], target: [0, 0.65, 0], fieldOfView: 40 },
  };
}
