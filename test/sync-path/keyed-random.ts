import { expect } from 'vitest';
import { postJson } from './http.js';

/** What a keyed fixture app's run answers. */
export interface KeyedAnswer {
  readonly adapter: string;
  readonly clean: boolean;
  readonly pid: number;
}

/**
 * Sends `requests` calls with random adapters of `keys` to `url`, `inFlight` at a time,
 * and checks that each succeeded, answered its own adapter and saw only its own state.
 */
export async function sendRandomKeys(
  url: string,
  options: {
    readonly keys: readonly string[];
    readonly requests: number;
    readonly inFlight: number;
  },
): Promise<KeyedAnswer[]> {
  let next = 0;
  const results: KeyedAnswer[] = [];
  const expected: string[] = [];
  const client = async () => {
    while (next < options.requests) {
      next++;
      const adapter = options.keys[Math.floor(Math.random() * options.keys.length)]!;
      expected.push(adapter);
      const answer = await postJson(url, { adapter });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      results.push(answer.body as KeyedAnswer);
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, client));
  expect(results).toHaveLength(options.requests);
  expect(results.filter((result) => !result.clean)).toEqual([]);
  expect(results.map((result) => result.adapter).sort()).toEqual(expected.sort());
  return results;
}
