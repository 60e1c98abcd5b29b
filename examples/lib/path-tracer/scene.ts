/** How a surface scatters light. */
export type MaterialKind = 'diffuse' | 'metal' | 'glass';

/** A surface's look: its kind, its colour (0–1 per channel), and kind-specific knobs. */
export interface Material {
  readonly kind: MaterialKind;
  readonly red: number;
  readonly green: number;
  readonly blue: number;
  /** Metal only: 0 is a mirror, larger blurs the reflection. */
  readonly fuzz: number;
  /** Glass only: the index of refraction. */
  readonly refractiveIndex: number;
}

/** A sphere; `radiusSquared` is precomputed for the intersection test. */
export interface Sphere {
  readonly centerX: number;
  readonly centerY: number;
  readonly centerZ: number;
  readonly radius: number;
  readonly radiusSquared: number;
  readonly material: Material;
}

/** The floor: the plane y = 0, a checkerboard of two materials. */
export interface Ground {
  readonly checkerSize: number;
  readonly light: Material;
  readonly dark: Material;
}

/** The only light: a sky gradient with a soft sun glow. */
export interface Sky {
  readonly horizon: readonly [number, number, number];
  readonly zenith: readonly [number, number, number];
  readonly sunDirection: readonly [number, number, number];
  readonly sunColor: readonly [number, number, number];
  /** The glow's falloff exponent: larger is a smaller, sharper sun. */
  readonly sunSharpness: number;
}

/** Where the camera stands and looks; `fieldOfView` is vertical, in degrees. */
export interface CameraSettings {
  readonly position: readonly [number, number, number];
  readonly target: readonly [number, number, number];
  readonly fieldOfView: number;
}

/** Everything the tracer renders. */
export interface Scene {
  readonly spheres: readonly Sphere[];
  readonly ground: Ground;
  readonly sky: Sky;
  readonly camera: CameraSettings;
}
