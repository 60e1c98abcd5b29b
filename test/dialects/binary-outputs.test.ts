import { pack, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import type { RunFunction } from '../../src/app/app-types.js';
import { binaryOfJson, binaryPayload, toPackedPayload } from '../../src/events/binary-payload.js';
import { toAsciiJson } from '../../src/events/ascii-json.js';
import { runApp, soleTerminal, terminalError } from '../runtime/run-harness.js';

function appOf(run: RunFunction<unknown, unknown, unknown>) {
  return defineApp({ id: 'demo/bytes', input: z.object({}), run });
}

async function outputsOf(run: RunFunction<unknown, unknown, unknown>) {
  const { events } = await runApp(appOf(run));
  return events.filter((event) => event.type === 'output').map((event) => event.data);
}

describe('binary outputs', () => {
  it('ctx.emit(bytes, { contentType }) is base64 and its content type, not {"0":1,…}', async () => {
    const outputs = await outputsOf((_input, ctx) => {
      ctx.emit(new Uint8Array([1, 2, 3]));
      ctx.emit(Buffer.from('hi'), { contentType: 'audio/wav' });
      return {};
    });
    expect(outputs).toEqual([
      { content_type: 'application/octet-stream', data_base64: 'AQID' },
      { content_type: 'audio/wav', data_base64: 'aGk=' },
    ]);
  });

  it('yielded Uint8Array, Buffer and ArrayBuffer are binary outputs; a view keeps only its bytes', async () => {
    const backing = new Uint8Array([9, 1, 2, 9]);
    const outputs = await outputsOf(function* () {
      yield new Uint8Array([1]);
      yield Buffer.from([2]);
      yield new Uint8Array([3]).buffer;
      yield backing.subarray(1, 3);
    });
    expect(outputs.map((output) => (output as { data_base64: string }).data_base64)).toEqual([
      'AQ==',
      'Ag==',
      'Aw==',
      'AQI=',
    ]);
  });

  it('returned bytes are a binary result', async () => {
    const { events } = await runApp(appOf(() => new Uint8Array([255])));
    expect(soleTerminal(events).data).toEqual({
      content_type: 'application/octet-stream',
      data_base64: '/w==',
    });
  });

  it('a content type that is not type/subtype fails the run with app_error', async () => {
    const { events } = await runApp(
      appOf((_input, ctx) => {
        ctx.emit(new Uint8Array([1]), { contentType: 'audio\nwav' });
        return {};
      }),
    );
    expect(terminalError(events)).toMatchObject({
      code: 'app_error',
      message: 'ctx.emit needs contentType as type/subtype, such as audio/wav',
    });
  });

  it('travels as raw bytes over msgpack, and other payloads as their JSON', () => {
    const json = toAsciiJson(binaryPayload(new Uint8Array([1, 2, 3]), 'audio/wav'));
    const packed = pack(toPackedPayload(json));
    const unpacked = unpack(packed) as { content_type: string; data: Uint8Array };
    expect(unpacked.content_type).toBe('audio/wav');
    expect([...unpacked.data]).toEqual([1, 2, 3]);
    expect(packed.length).toBeLessThan(json.length);
    expect(toPackedPayload('{"token":"hi"}')).toEqual({ token: 'hi' });
  });

  it('a JSON output that only looks like a binary one is not taken for bytes', () => {
    expect(binaryOfJson('{"content_type":"a/b","data_base64":"AQ==","more":1}')).toBeUndefined();
    expect(binaryOfJson('{"content_type":"a/b","data_base64":3}')).toBeUndefined();
  });
});
