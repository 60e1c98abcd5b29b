import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { startGateway } from '../support/gateway.js';
import { keyedApp } from './fixtures/keyed-app.js';
import { metricLines, postJson } from './http.js';

const KEYS = ['a', 'b', 'c', 'd'];
const REQUESTS = 500;
const IN_FLIGHT = 32;

describe('keyed state on 2 replicas of concurrency 4', () => {
  it('no run ever sees another key’s state, over 500 random requests with 4 keys; switches are counted', async () => {
    const moduleUrl = new URL('./fixtures/keyed-app.ts', import.meta.url).href;
    const runtime = createRuntime([{ app: keyedApp, moduleUrl }], {});
    await runtime.start();
    await using gateway = await startGateway({ apps: [keyedApp], runtime });
    let next = 0;
    const results: { adapter: string; clean: boolean }[] = [];
    const expected: string[] = [];
    const client = async () => {
      while (next < REQUESTS) {
        next++;
        const adapter = KEYS[Math.floor(Math.random() * KEYS.length)]!;
        expected.push(adapter);
        const answer = await postJson(`${gateway.url}/test/keyed`, { adapter });
        expect(answer.status).toBe(200);
        results.push(answer.body as { adapter: string; clean: boolean });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, client));
    expect(results).toHaveLength(REQUESTS);
    expect(results.filter((result) => !result.clean)).toEqual([]);
    expect(results.map((result) => result.adapter).sort()).toEqual(expected.sort());
    const [line] = await metricLines(gateway.url, 'sluice_state_switches_total');
    const switches = Number(line?.split(' ')[1]);
    expect(switches).toBeGreaterThan(0); // 4 keys on 2 replicas must switch
    expect(switches).toBeLessThan(REQUESTS);
    console.log(`keyed state: ${switches} switches over ${REQUESTS} requests`);
  });
});
