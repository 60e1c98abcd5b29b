/** One light path's state: what it has gathered and how much of later light survives. */
export interface PathState {
  radianceRed: number;
  radianceGreen: number;
  radianceBlue: number;
  throughputRed: number;
  throughputGreen: number;
  throughputBlue: number;
}

/**
 * A path state, to be reset and reused for every sample.
 *
 * @example
 * const path = createPathState();
 */
export function createPathState(): PathState {
  return {
    radianceRed: 0,
    radianceGreen: 0,
    radianceBlue: 0,
    throughputRed: 1,
    throughputGreen: 1,
    throughputBlue: 1,
  };
}

/**
 * Starts a new path: no light gathered yet, full throughput.
 *
 * @example
 * resetPath(path);
 */
export function resetPath(path: PathState): void {
  path.radianceRed = 0;
  path.radianceGreen = 0;
  path.radianceBlue = 0;
  path.throughputRed = 1;
  path.throughputGreen = 1;
  path.throughputBlue = 1;
}
