import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DistributedRunner } from '../../../src/runtime/distributed/distributed-runner.js';
import { runFalPageClient } from '../../dialects/reference-clients.js';
import { fixtureUrl } from '../replicas/replica-harness.js';

interface Payload {
  readonly prompt: string;
  readonly steps: number;
  readonly fail_at?: number;
  readonly die_at?: number;
}

/** The fal page's endpoint: the runner's text events handed straight to the response. */
function serveStream(runner: DistributedRunner<Payload>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const payload = JSON.parse(body) as Payload;
      void pipeline(runner.stream(payload, { asTextEvents: true }), response).catch(() => {});
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${address.port}/stream` });
    });
  });
}

async function postText(url: string, payload: Payload): Promise<string> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(payload) });
  return response.text();
}

function dataOf(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.length > 0)
    .map((frame) => {
      expect(frame.startsWith('data: ')).toBe(true);
      return JSON.parse(frame.slice('data: '.length)) as unknown;
    });
}

/** The frames before the last are rank 0's first steps of five, in order, at most `limit` of them. */
function expectStepsBefore(frames: readonly unknown[], limit: number): void {
  const before = frames.slice(0, -1);
  expect(before.length).toBeLessThanOrEqual(limit);
  const steps = Array.from({ length: limit }, (_, step) => ({
    step,
    progress: (step + 1) / 5,
    message: `Processing step ${step + 1}/5`,
  }));
  expect(before).toEqual(steps.slice(0, before.length));
}

describe('DistributedRunner.stream with asTextEvents, two rank processes', () => {
  const runner = new DistributedRunner<Payload>({
    worker: fixtureUrl('streaming-worker.ts'),
    worldSize: 2,
    collectiveTimeoutMs: 5_000,
  });
  let served: { server: Server; url: string };

  beforeAll(async () => {
    served = await serveStream(runner);
  });
  afterAll(async () => {
    served.server.close();
    await runner.close();
  });

  it('feeds the fal page’s browser client, verbatim, through a plain HTTP response', async () => {
    const lines = await runFalPageClient(served.url);
    const steps = Array.from(
      { length: 20 },
      (_, step) => `Step ${step}: ${((step + 1) / 20) * 100}%`,
    );
    // The last frame is the result, which has no step: the page's client logs it all the same.
    expect(lines).toEqual([...steps, 'Step undefined: NaN%']);
  });

  it('yields each event as one frame’s bytes, the result last', async () => {
    const frames: string[] = [];
    const decoder = new TextDecoder();
    for await (const bytes of runner.stream({ prompt: 'p', steps: 2 }, { asTextEvents: true })) {
      expect(bytes).toBeInstanceOf(Uint8Array);
      frames.push(decoder.decode(bytes));
    }
    expect(frames).toEqual([
      'data: {"step":0,"progress":0.5,"message":"Processing step 1/2"}\n\n',
      'data: {"step":1,"progress":1,"message":"Processing step 2/2"}\n\n',
      'data: {"output":"p in 2 steps on 2 ranks"}\n\n',
    ]);
  });

  it('a rank that throws ends the stream with a final error frame, not a throw', async () => {
    const frames = dataOf(await postText(served.url, { prompt: 'p', steps: 5, fail_at: 2 }));
    // Rank 0's frames come in order; its last may not have left it before the run failed.
    expectStepsBefore(frames, 2);
    expect(frames.at(-1)).toMatchObject({ code: 'app_error', message: 'The app raised Error' });
  });

  it('a rank that dies ends the stream with worker_lost; the group serves the next payload', async () => {
    const frames = dataOf(await postText(served.url, { prompt: 'p', steps: 5, die_at: 1 }));
    expect(frames.at(-1)).toMatchObject({ code: 'worker_lost' });
    expectStepsBefore(frames, 1);
    const next = dataOf(await postText(served.url, { prompt: 'q', steps: 1 }));
    expect(next.at(-1)).toEqual({ output: 'q in 1 steps on 2 ranks' });
  });
});

describe('results added on a rank other than 0', () => {
  it('are not sent, and the rank warns once on stderr', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
    const main = new URL('../../fixtures/stray-results-main.ts', import.meta.url).pathname;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', tsx, main],
      { timeout: 60_000 },
    );
    const events = JSON.parse(stdout) as { type: string; data: { step?: number } }[];
    // Rank 0's three results and its result, twice; none of rank 1's.
    expect(events.map((event) => event.type)).toEqual([
      ...['output', 'output', 'output', 'result'],
      ...['output', 'output', 'output', 'result'],
    ]);
    const warnings = stderr.split('SLUICE_STRAY_RESULT').length - 1;
    expect(warnings, stderr).toBe(1);
    expect(stderr).toContain('addStreamingResult on rank 1 is not sent');
  });
});
