import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../../src/server/realtime/realtime-frames.js';
import { startGateway } from '../support/gateway.js';
import { doubleApp, isResult, openProbe } from './realtime-support.js';

describe('bad input over the realtime view', () => {
  it('decodes frames without throwing (pure)', () => {
    expect(decodeFrame(Buffer.from('{"x":'), false)).toMatchObject({ ok: false, encoding: 'json' });
    expect(decodeFrame(Buffer.from([0xc1]), true)).toMatchObject({
      ok: false,
      encoding: 'msgpack',
    });
    expect(decodeFrame(Buffer.from([0x81, 0xa1]), true)).toMatchObject({ ok: false });
    expect(decodeFrame(Buffer.from([0x80, 0x80]), true)).toMatchObject({ ok: false }); // trailing bytes
    expect(decodeFrame(Buffer.from([0x81, 0xa1, 0x78, 0x01]), true)).toEqual({
      ok: true,
      value: { x: 1 },
      encoding: 'msgpack',
    });
  });

  const cases = [
    {
      name: 'malformed JSON',
      send: (probe: Awaited<ReturnType<typeof openProbe>>) => probe.socket.send('{"x": 1'),
      expected: { error: 'invalid_json', reason: 'The message is not valid JSON' },
    },
    {
      name: 'malformed msgpack',
      send: (probe: Awaited<ReturnType<typeof openProbe>>) =>
        probe.socket.send(Buffer.from([0x82, 0xa1, 0x78])),
      expected: { error: 'bad_request', reason: 'The message is not valid msgpack' },
    },
    {
      name: 'an input that fails validation',
      send: (probe: Awaited<ReturnType<typeof openProbe>>) => probe.sendJson({ x: 'seven' }),
      expected: {
        error: 'invalid_input',
        detail: [expect.objectContaining({ loc: ['body', 'x'] })],
      },
    },
    {
      name: 'an unknown field',
      send: (probe: Awaited<ReturnType<typeof openProbe>>) => probe.sendMsgpack({ x: 1, y: 2 }),
      expected: {
        error: 'invalid_input',
        detail: [expect.objectContaining({ loc: ['body', 'y'] })],
      },
    },
  ];

  for (const { name, send, expected } of cases) {
    it(`answers ${name} with an x-fal-error frame and keeps the connection open`, async () => {
      await using gateway = await startGateway({ apps: [doubleApp] });
      await using probe = await openProbe(`${gateway.url}/rt/double/realtime`);
      send(probe);
      const error = await probe.next();
      expect(error).toMatchObject({
        type: 'x-fal-error',
        request_id: null,
        retryable: false,
        ...expected,
      });
      probe.sendJson({ x: 5 });
      expect(await probe.next(isResult)).toMatchObject({ doubled: 10 });
    });
  }

  it('answers a run that ends in error with an x-fal-error naming its request', async () => {
    await using gateway = await startGateway({ apps: [doubleApp] });
    await using probe = await openProbe(`${gateway.url}/rt/double/realtime?events=1`);
    probe.sendJson({ x: 1, delay_ms: 5000 });
    const { request_id: id } = await probe.next((message) => message.event === 'output');
    const cancel = await fetch(`${gateway.url}/queue/rt/double/requests/${String(id)}/cancel`, {
      method: 'PUT',
    });
    expect(cancel.status).toBe(202);
    expect(await probe.next((message) => message.type === 'x-fal-error')).toMatchObject({
      error: 'cancelled',
      request_id: id,
    });
    probe.sendJson({ x: 2 });
    expect(await probe.next(isResult)).toMatchObject({ doubled: 4 });
  });
});
