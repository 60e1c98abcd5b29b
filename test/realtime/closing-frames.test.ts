import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { startGateway } from '../support/gateway.js';
import { isResult, openProbe } from './realtime-support.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const TEXT = 0x1;
const CLOSE = 0x8;
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The `x` of every input the app ran, in order. */
const runs: number[] = [];

/** Doubles `x`, recording that it ran; a connection idle for 300 ms is closed. */
const lateApp = defineApp({
  id: 'rt/late',
  input: z.object({ x: z.number() }),
  run: ({ x }) => {
    runs.push(x);
    return { doubled: x * 2 };
  },
  realtime: { idleTimeoutMs: 300 },
});

/** A frame from the server (never masked). */
interface RawFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/**
 * A WebSocket client written by hand over a TCP socket: it answers nothing on its own
 * (no close frame back, no pong), so a test decides when the closing handshake ends.
 */
interface RawWebSocket extends AsyncDisposable {
  readonly frames: RawFrame[];
  next(match: (frame: RawFrame) => boolean, timeoutMs?: number): Promise<RawFrame>;
  sendFrame(opcode: number, payload: Buffer): void;
  /** Resolves once the server has closed the TCP connection. */
  readonly ended: Promise<void>;
  readonly isEnded: () => boolean;
}

/** A client frame: FIN set, masked as RFC 6455 requires. */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!));
  return Buffer.concat([length, mask, masked]);
}

/** Takes the complete frames off the front of `buffer`; returns what is left. */
function takeFrames(buffer: Buffer, into: RawFrame[]): Buffer {
  let rest = buffer;
  for (;;) {
    if (rest.length < 2) return rest;
    expect(rest[1]! & 0x80).toBe(0); // a server never masks
    let length = rest[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (rest.length < 4) return rest;
      length = rest.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (rest.length < 10) return rest;
      length = Number(rest.readBigUInt64BE(2));
      offset = 10;
    }
    if (rest.length < offset + length) return rest;
    into.push({ opcode: rest[0]! & 0x0f, payload: rest.subarray(offset, offset + length) });
    rest = rest.subarray(offset + length);
  }
}

/** Opens a WebSocket by hand: the upgrade request, then frames read as they come. */
async function openRawWebSocket(baseUrl: string, path: string): Promise<RawWebSocket> {
  const { hostname, port } = new URL(baseUrl);
  const socket: Socket = connect(Number(port), hostname);
  const key = randomBytes(16).toString('base64');
  const frames: RawFrame[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  const endedPromise = new Promise<void>((resolve) =>
    socket.once('close', () => {
      ended = true;
      resolve();
    }),
  );
  let pending: Buffer = Buffer.alloc(0);
  let head: string | undefined;
  const upgraded = new Promise<string>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (head === undefined) {
        const end = pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        head = pending.subarray(0, end).toString('latin1');
        pending = pending.subarray(end + 4);
        resolve(head);
      }
      pending = takeFrames(pending, frames);
      for (const waiter of waiters) waiter();
    });
  });
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const answer = await Promise.race([
    upgraded,
    sleep(5_000).then(() => Promise.reject(new Error('no upgrade answer within 5 s'))),
  ]);
  expect(answer).toMatch(/^HTTP\/1\.1 101 /);
  const accept = createHash('sha1')
    .update(key + WEBSOCKET_GUID)
    .digest('base64');
  expect(answer.toLowerCase()).toContain(`sec-websocket-accept: ${accept.toLowerCase()}`);
  let cursor = 0;
  return {
    frames,
    next: (match, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          while (cursor < frames.length) {
            const frame = frames[cursor++]!;
            if (match(frame)) {
              waiters.delete(check);
              clearTimeout(timer);
              return resolve(frame);
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching frame within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    sendFrame: (opcode, payload) => void socket.write(maskedFrame(opcode, payload)),
    ended: endedPromise,
    isEnded: () => ended,
    [Symbol.asyncDispose]: async () => {
      socket.destroy();
      await endedPromise;
    },
  };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const closePayload = (frame: RawFrame) => ({
  code: frame.payload.readUInt16BE(0),
  reason: frame.payload.subarray(2).toString('utf8'),
});

describe('a realtime connection the server is closing', () => {
  it('ignores an input frame that arrives after the server sent its close frame', async () => {
    runs.length = 0;
    await using gateway = await startGateway({ apps: [lateApp] });
    await using raw = await openRawWebSocket(gateway.url, '/rt/late/realtime');

    // The hand-made frames are served: an input is run and answered.
    raw.sendFrame(TEXT, json({ x: 1 }));
    const answer = await raw.next(() => true);
    expect(answer.opcode).toBe(TEXT);
    expect(JSON.parse(answer.payload.toString('utf8'))).toMatchObject({ doubled: 2 });
    expect(runs).toEqual([1]);

    // Idle for 300 ms: the server closes (1000). This client does not answer the close yet.
    const close = await raw.next(() => true, 3_000);
    expect(close.opcode).toBe(CLOSE);
    expect(closePayload(close)).toEqual({ code: 1000, reason: 'idle timeout' });

    // An input that crossed the close: a valid one, framed like the first.
    const seen = raw.frames.length;
    raw.sendFrame(TEXT, json({ x: 2 }));
    await sleep(300);
    expect(runs).toEqual([1]); // never run
    expect(raw.frames.slice(seen)).toEqual([]); // never answered
    // The server was still reading (it waits for this client's close frame), so the frame
    // reached the session: it was ignored, not lost on a closed socket.
    expect(raw.isEnded()).toBe(false);

    // Closing handshake completed: the server ends the TCP connection.
    const closeCode = Buffer.from([0x03, 0xe8]); // 1000
    raw.sendFrame(CLOSE, closeCode);
    await Promise.race([
      raw.ended,
      sleep(3_000).then(() => Promise.reject(new Error('the server kept the connection'))),
    ]);
    expect(runs).toEqual([1]);

    // The gateway serves a fresh connection as usual.
    await using probe = await openProbe(`${gateway.url}/rt/late/realtime`);
    probe.sendJson({ x: 3 });
    expect(await probe.next(isResult)).toMatchObject({ doubled: 6 });
    expect(runs).toEqual([1, 3]);
  });
});
