import { createFalClient } from '@fal-ai/client';
import { Unpackr } from 'msgpackr';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { startGateway } from '../support/gateway.js';
import { installRewritingWebSocket, realtimeToSluice } from './fal-hosts-realtime.js';
import { isResult, openProbe } from './realtime-support.js';

const KEY = 'fal-binary-key';
const PIXELS = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 255, 7]);

/** Emits `size` bytes as an output event, and returns the same bytes. */
const pixelsApp = defineApp({
  id: 'rt/pixels',
  input: z.object({ size: z.number().int().min(1).max(PIXELS.length) }),
  run({ size }, ctx) {
    ctx.emit(PIXELS.subarray(0, size), { contentType: 'image/png' });
    return PIXELS.subarray(0, size);
  },
  realtime: { idleTimeoutMs: 60_000 },
});

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** The raw binary frames a socket receives, decoded by msgpackr as any client would. */
function rawFrames(socket: { on(event: 'message', listener: (data: Buffer) => void): unknown }) {
  const frames: Buffer[] = [];
  socket.on('message', (data) => frames.push(data));
  return frames;
}

describe('binary outputs over the realtime view', () => {
  it('go as raw bytes (msgpack bin) in a msgpack session, events and result alike', async () => {
    await using gateway = await startGateway({ apps: [pixelsApp] });
    await using probe = await openProbe(`${gateway.url}/rt/pixels/realtime?events=1`);
    const frames = rawFrames(probe.socket);
    probe.sendMsgpack({ size: 5 });
    await probe.next(isResult);
    const decoded = frames.map((frame) => unpackr.unpack(frame) as Record<string, unknown>);
    const output = decoded.find((message) => message.event === 'output')!;
    const result = decoded.find(isResult)!;
    const payloads = [output.data, result] as Record<string, unknown>[];
    expect(payloads.map((payload) => payload.content_type)).toEqual([
      'image/png', // as emitted
      'application/octet-stream', // bytes returned carry no content type
    ]);
    for (const payload of payloads) {
      expect(payload.data).toBeInstanceOf(Uint8Array);
      expect([...(payload.data as Uint8Array)]).toEqual([...PIXELS.subarray(0, 5)]);
      expect(payload).not.toHaveProperty('data_base64');
    }
    // No base64 anywhere on the wire: the bytes themselves, as a msgpack bin 8 (0xc4, length).
    const resultFrame = frames.at(-1)!;
    const bin = Buffer.from([0xc4, 5, ...PIXELS.subarray(0, 5)]);
    expect(resultFrame.includes(bin)).toBe(true);
    expect(resultFrame.includes(Buffer.from('data_base64'))).toBe(false);
  });

  it('stay base64 with their content type in a JSON session', async () => {
    await using gateway = await startGateway({ apps: [pixelsApp] });
    await using probe = await openProbe(`${gateway.url}/rt/pixels/realtime`);
    probe.sendJson({ size: 3 });
    const result = await probe.next(isResult);
    expect(result).toMatchObject({
      content_type: 'application/octet-stream',
      data_base64: Buffer.from(PIXELS.subarray(0, 3)).toString('base64'),
    });
  });

  describe('with the unmodified @fal-ai/client', () => {
    let uninstall = () => Promise.resolve();
    afterEach(() => uninstall());

    it('its onResult gets the bytes as a Uint8Array', async () => {
      await using gateway = await startGateway({ apps: [pixelsApp], apiKeys: [KEY] });
      ({ uninstall } = installRewritingWebSocket(gateway.url));
      const fal = createFalClient({
        credentials: KEY,
        requestMiddleware: realtimeToSluice(gateway.url),
      });
      // fal's token request, as its default provider makes it: the app's alias is allowed.
      const tokenProvider = async (app: string) => {
        const alias = app.split('/')[1]!; // 'rt/pixels/realtime' -> 'pixels'
        const answer = await fetch(`${gateway.url}/tokens/`, {
          method: 'POST',
          headers: { authorization: `Key ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ allowed_apps: [alias], token_expiration: 120 }),
        });
        return (await answer.json()) as string;
      };
      const result = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const connection = fal.realtime.connect('rt/pixels', {
          throttleInterval: 0,
          tokenProvider,
          onResult: (output: Record<string, unknown>) => {
            connection.close();
            resolve(output);
          },
          onError: reject,
        });
        connection.send({ size: 4 });
      });
      expect(result.content_type).toBe('application/octet-stream');
      expect(result.data).toBeInstanceOf(Uint8Array);
      expect([...(result.data as Uint8Array)]).toEqual([...PIXELS.subarray(0, 4)]);
    });
  });
});
