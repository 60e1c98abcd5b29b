/**
 * The few matchers a conformance suite checks with; every test runner's `expect` has them
 * (vitest's and jest's satisfy this interface as they are).
 *
 * @example
 * harness.expect(await log.lookup(requestId)).toMatchObject({ state: 'live', lastSeq: 1 });
 */
export interface ConformanceAssertion {
  readonly not: ConformanceAssertion;
  readonly rejects: { toThrow(expected?: string | RegExp | (new () => Error)): Promise<void> };
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toBeUndefined(): void;
  toContain(item: unknown): void;
  toHaveLength(length: number): void;
  toBeGreaterThanOrEqual(value: number): void;
  toBeLessThanOrEqual(value: number): void;
  toThrow(expected?: string | RegExp): void;
}

/**
 * The test runner a conformance suite registers its tests with, passed in by the caller so
 * that the suites ship without depending on one runner.
 *
 * @example
 * import { describe, expect, it } from 'vitest';
 * const harness: ConformanceHarness = { describe, it, expect };
 */
export interface ConformanceHarness {
  readonly describe: (name: string, body: () => void) => void;
  readonly it: (name: string, body: () => Promise<void>) => void;
  readonly expect: (actual: unknown) => ConformanceAssertion;
}

/** Polls `check` until it stops throwing; rethrows its last failure after `timeoutMs`. */
export async function eventually(
  check: () => Promise<void>,
  timeoutMs: number,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
