import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli-server.js';
import { startGateway } from '../support/gateway.js';
import { countApp } from '../support/test-apps.js';
import { rawExchange } from './raw-exchange.js';

const MIB = 1024 * 1024;
const TRIES = 20;

function postHead(length: number, extra = ''): string {
  return (
    'POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n' +
    `content-length: ${length}\r\n${extra}\r\n`
  ).replace('POST / ', 'POST /fixture/echo ');
}

async function echoes(url: string): Promise<void> {
  const response = await fetch(`${url}/fixture/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"text":"still here"}',
  });
  expect(await response.json()).toEqual({ text: 'still here' });
}

describe('slow bodies answer 408 request_timeout and close (a real sluice serve process)', () => {
  it('past the request deadline, below the minimum rate, and 50 at once; the server keeps serving', async () => {
    await using server = await startCli([
      'test/fixtures/cli-apps.ts',
      '--request-timeout-ms',
      '7000',
      '--min-body-rate',
      '100',
    ]);
    const started = Date.now();
    const elapsed = async <Value>(answer: Promise<Value>) =>
      [await answer, Date.now() - started] as const;
    // 400 bytes a second: fast enough for the rate, too slow for 10,000 bytes in 7 s.
    const late = elapsed(
      rawExchange(server.url, postHead(10_000), {
        trickle: Array.from({ length: 100 }, () => ' '.repeat(100)),
        trickleMs: 250,
        timeoutMs: 15_000,
      }),
    );
    // A byte a second, as in a slowloris attack: cut once its 5 s grace has passed.
    const slow = Array.from({ length: 50 }, () =>
      elapsed(
        rawExchange(server.url, postHead(1_000), {
          trickle: Array.from({ length: 1_000 }, () => ' '),
          timeoutMs: 15_000,
        }),
      ),
    );
    const [lateAnswer, lateMs] = await late;
    expect(lateAnswer).toMatchObject({
      status: 408,
      closed: true,
      body: { code: 'request_timeout' },
    });
    expect(lateAnswer.body.detail).toContain('request timeout');
    expect(lateAnswer.head).toMatch(/connection: close/i);
    expect(lateMs).toBeGreaterThanOrEqual(7_000);
    expect(lateMs).toBeLessThan(10_000);
    for (const [answer, ms] of await Promise.all(slow)) {
      expect(answer).toMatchObject({
        status: 408,
        closed: true,
        body: { code: 'request_timeout' },
      });
      expect(answer.body.detail).toContain('minimum rate');
      expect(ms).toBeLessThan(9_000);
    }
    await echoes(server.url);
  });
});

describe('an oversized body: the client always gets the 413 before the connection closes', () => {
  it(`with fetch, ${TRIES} times`, async () => {
    await using gateway = await startGateway({ apps: [countApp], bodyLimitBytes: MIB });
    const body = Buffer.alloc(4 * MIB, 'a');
    for (let attempt = 0; attempt < TRIES; attempt++) {
      const response = await fetch(`${gateway.url}/test/count`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(413);
      expect(response.headers.get('connection')).toBe('close');
      expect(await response.json()).toMatchObject({ code: 'payload_too_large' });
    }
  });

  it(`with fetch and a streamed body of unknown length, ${TRIES} times`, async () => {
    await using gateway = await startGateway({ apps: [countApp], bodyLimitBytes: MIB });
    const chunk = Buffer.alloc(MIB, 'a');
    for (let attempt = 0; attempt < TRIES; attempt++) {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let index = 0; index < 4; index++) controller.enqueue(chunk);
          controller.close();
        },
      });
      const response = await fetch(`${gateway.url}/test/count`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      await response.arrayBuffer();
    }
  });

  it(`on a raw socket writing the whole body regardless, ${TRIES} times`, async () => {
    await using gateway = await startGateway({ apps: [countApp], bodyLimitBytes: MIB });
    const body = Buffer.alloc(4 * MIB, 'a');
    for (let attempt = 0; attempt < TRIES; attempt++) {
      const head = postHead(body.length).replace('/fixture/echo', '/test/count');
      const answer = await rawExchange(gateway.url, Buffer.concat([Buffer.from(head), body]));
      expect(answer).toMatchObject({
        status: 413,
        closed: true,
        body: { code: 'payload_too_large' },
      });
    }
    const response = await fetch(`${gateway.url}/test/count`, { method: 'POST' });
    expect(response.status).toBe(200);
  });
});
