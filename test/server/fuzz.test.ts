import { describe, expect, it } from 'vitest';
import { startGatewayOn, type GatewayBackend } from '../support/gateway.js';
import { countApp } from '../support/test-apps.js';
import { judge, randomRequest, seededRandom } from './fuzz-cases.js';

const SEED = Number(process.env.FUZZ_SEED ?? 18);
const PARALLEL = 10;

async function fuzz(url: string, count: number, seed: number): Promise<string[]> {
  const random = seededRandom(seed);
  const requests = Array.from({ length: count }, () => randomRequest(random));
  const problems: string[] = [];
  for (let start = 0; start < requests.length; start += PARALLEL) {
    const batch = requests.slice(start, start + PARALLEL);
    const verdicts = await Promise.all(batch.map((bytes) => judge(url, bytes)));
    verdicts.forEach(({ problem }, index) => {
      if (problem) problems.push(`${problem}: ${JSON.stringify(batch[index]!.slice(0, 200))}`);
    });
  }
  return problems;
}

describe.each([
  ['memory', 300],
  ['redis', 60],
] as [GatewayBackend, number][])('fuzz (%s): random malformed requests', (backend, count) => {
  it(`answers ${count} of them in shape, never 500, and keeps serving (seed ${SEED})`, async () => {
    await using gateway = await startGatewayOn(backend, {
      apps: [countApp],
      requestTimeoutMs: 1_000,
    });
    expect(await fuzz(gateway.url, count, SEED)).toEqual([]);
    const response = await fetch(`${gateway.url}/test/count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"n":3}',
    });
    expect(await response.json()).toMatchObject({ count: 3 });
  }, 60_000);
});
