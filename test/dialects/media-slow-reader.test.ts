import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { memoryAfterGc } from '../support/collect-garbage.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { readEvents, send, until } from '../support/sse-client.js';

const CHUNK_BYTES = 64 * 1024;
/** 20 MiB: more than loopback's socket buffers hold, so the server must wait for the reader. */
const CHUNKS = 320;
/** Bytes of live `ArrayBuffer`s allowed while the paused reader holds the run's 20 MiB back. */
const BUFFERED_BOUND_BYTES = 6 * 1024 * 1024;

/** The run waits here after its first chunk, until the test lets it go on. */
const release = { go: () => undefined as void, wait: Promise.resolve() };
const run = { aborted: 0 };

function arm(): void {
  release.wait = new Promise<void>((resolve) => (release.go = resolve));
}

/** Chunk `index` is CHUNK_BYTES bytes of `index % 251`. */
const mediaFloodApp = defineApp({
  id: 'test/media-flood',
  input: z.object({ chunks: z.number().int().min(1), hold: z.boolean() }),
  async run({ chunks, hold }, ctx) {
    ctx.signal.addEventListener('abort', () => run.aborted++);
    for (let index = 0; index < chunks; index++) {
      if (index === 1) await release.wait;
      const bytes = new Uint8Array(CHUNK_BYTES).fill(index % 251);
      ctx.emit(bytes, { contentType: 'audio/wav' });
    }
    // With `hold`, runs until cancelled: its only client is then the media reader.
    while (hold && !ctx.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 10));
    return { chunks };
  },
});

/** Starts a run through its SSE stream and opens its media, paused; then drops the stream. */
async function openPausedMedia(gateway: TestGateway, hold: boolean) {
  const stream = await send(`${gateway.url}/test/media-flood/stream`, {
    method: 'POST',
    body: JSON.stringify({ chunks: CHUNKS, hold }),
  });
  const requestId = String(stream.response.headers['x-request-id']);
  const media = await send(`${gateway.url}/test/media-flood/requests/${requestId}/media`);
  media.response.pause();
  expect(media.response.statusCode).toBe(200);
  stream.request.destroy();
  return { requestId, media };
}

/** Reads the rest of a response, counting bytes and checking each chunk's fill. */
async function readChunks(response: IncomingMessage): Promise<{ bytes: number; wrong: number }> {
  let bytes = 0;
  let wrong = 0;
  response.resume();
  for await (const piece of response) {
    const buffer = piece as Buffer;
    for (let offset = 0; offset < buffer.length; offset++) {
      const at = bytes + offset;
      if (at % 4096 === 0 && buffer[offset] !== Math.floor(at / CHUNK_BYTES) % 251) wrong++;
    }
    bytes += buffer.length;
  }
  return { bytes, wrong };
}

afterEach(() => release.go());

describe('a slow reader of live media', () => {
  it('holds the server back rather than its memory, then gets every byte in order', async () => {
    arm();
    await using gateway = await startGateway({ apps: [mediaFloodApp] });
    const before = memoryAfterGc().arrayBuffers;
    const { requestId, media } = await openPausedMedia(gateway, false);
    release.go();
    await until(async () => (await gateway.eventLog.lookup(requestId)).state === 'ended', 30_000);

    // The run has emitted all 20 MiB; the server writes only as the reader takes them.
    expect(memoryAfterGc().arrayBuffers - before).toBeLessThan(BUFFERED_BOUND_BYTES);
    const read = await readChunks(media.response);
    expect(read).toEqual({ bytes: CHUNKS * CHUNK_BYTES, wrong: 0 });
  }, 60_000);

  it('lets go of a run whose media reader leaves while the server waits for it', async () => {
    arm();
    run.aborted = 0;
    await using gateway = await startGateway({ apps: [mediaFloodApp], cancelGraceMs: 100 });
    const { requestId, media } = await openPausedMedia(gateway, true);
    release.go();
    await until(async () => {
      const lookup = await gateway.eventLog.lookup(requestId);
      return lookup.state === 'live' && lookup.lastSeq >= CHUNKS;
    }, 30_000);
    expect(run.aborted).toBe(0); // the media reader keeps it going

    media.request.destroy();
    await until(() => run.aborted === 1, 5_000);
    await until(async () => (await gateway.eventLog.lookup(requestId)).state === 'ended');

    // The server goes on serving.
    arm();
    release.go();
    const next = await send(`${gateway.url}/test/media-flood/stream`, {
      method: 'POST',
      body: JSON.stringify({ chunks: 2, hold: false }),
    });
    const events = await readEvents(next);
    expect(events.at(-1)).toMatchObject({ event: 'result', data: '{"chunks":2}' });
  }, 60_000);
});
