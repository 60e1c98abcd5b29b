import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli-server.js';

const RUNAWAYS = 60;
const PROBE_EVERY_MS = 50;
const PROBE_FOR_MS = 20_000;

const json = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

/** Queues the runaways at once; answers the ids of those the server took. */
async function queueRunaways(url: string): Promise<string[]> {
  const answers = await Promise.all(
    Array.from({ length: RUNAWAYS }, () => fetch(`${url}/queue/budget/runaway`, json)),
  );
  const ids: string[] = [];
  for (const answer of answers) {
    if (answer.status === 503) expect(answer.headers.get('retry-after')).toBe('2');
    else ids.push(((await answer.json()) as { request_id: string }).request_id);
  }
  return ids;
}

/**
 * Probes the server every 50 ms (at most 20 s): `/health` must answer each time; returns
 * once a new request was refused with 503 and a later one accepted again.
 */
async function probeUntilRefusedThenAccepted(url: string): Promise<{ refusals: number }> {
  const deadline = Date.now() + PROBE_FOR_MS;
  let refusals = 0;
  while (Date.now() < deadline) {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const answer = await fetch(`${url}/budget/echo`, json);
    if (answer.status === 503) {
      expect(answer.headers.get('retry-after')).toBe('2');
      expect(await answer.json()).toMatchObject({ code: 'app_unavailable' });
      refusals++;
    } else {
      expect(answer.status).toBe(200);
      await answer.text();
      if (refusals > 0) return { refusals };
    }
    await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
  }
  throw new Error(`No refusal followed by an acceptance within ${PROBE_FOR_MS} ms`);
}

describe('sluice serve with a small heap and runaway emitters', () => {
  it('survives 60 of them at once, refuses then takes new requests, and expires old ones', async () => {
    await using server = await startCli(['test/fixtures/budget-apps.ts'], {
      NODE_OPTIONS: '--max-old-space-size=96',
    });
    const { url } = server;
    const budget = await metric(url, 'sluice_memory_budget_bytes');
    expect(budget).toBe(40 * 1024 * 1024); // half of the heap limit (144 MiB) less 64 MiB

    const taken = await queueRunaways(url);
    expect(taken.length).toBeGreaterThan(0);
    const { refusals } = await probeUntilRefusedThenAccepted(url);
    expect(refusals).toBeGreaterThan(0);

    const statuses = await Promise.all(
      taken.map((id) => fetch(`${url}/queue/budget/runaway/requests/${id}/status`)),
    );
    const codes = statuses.map((status) => status.status);
    expect(codes.filter((code) => code === 410).length).toBeGreaterThan(0); // dropped, oldest first
    expect(codes.every((code) => code === 410 || code === 200)).toBe(true);
    // The others ended as their logs refused more: the budget's ceiling, never the heap.
    const kept = taken[codes.indexOf(200)]!;
    const result = await fetch(`${url}/queue/budget/runaway/requests/${kept}`);
    expect(await result.json()).toMatchObject({ code: 'event_log_full' });
    expect(await metric(url, 'sluice_memory_dropped_logs_total')).toBeGreaterThan(0);
    expect(await metric(url, 'sluice_memory_used_bytes')).toBeLessThan(budget);
    expect(server.child.exitCode).toBeNull();
  }, 60_000);
});
