import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { rawPost } from '../support/raw-http.js';
import { parseEvents, readText, send } from '../support/sse-client.js';
import { bytesApp, countApp } from '../support/test-apps.js';

const EXPECTED_BODY =
  ': open\n\n' +
  'id: 1\nevent: progress\ndata: {"step":1,"total":2,"progress":0.5,"message":"warming up"}\n\n' +
  'id: 2\nevent: output\ndata: {"text":"h\\u00e9llo \\u2603 \\ud83d\\ude00"}\n\n' +
  'id: 3\nevent: progress\ndata: {"step":2,"total":2,"progress":1}\n\n' +
  'id: 4\nevent: result\ndata: {"text":"done \\u2713"}\n\n';

function parseSplit(bytes: Buffer, cuts: readonly number[]) {
  const events: Array<{ id?: string; event?: string; data: string }> = [];
  const parser = createParser({
    onEvent: (event) => events.push({ id: event.id, event: event.event, data: event.data }),
  });
  const decoder = new TextDecoder();
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    parser.feed(decoder.decode(bytes.subarray(start, cut), { stream: true }));
    start = cut;
  }
  parser.feed(decoder.decode());
  return events;
}

describe('the SSE wire format', () => {
  it('sends exactly the documented bytes', async () => {
    await using gateway = await startGateway({ apps: [bytesApp] });
    const { response } = await send(`${gateway.url}/test/bytes/stream`, {
      method: 'POST',
      body: '{}',
    });
    expect(await readText(response)).toBe(EXPECTED_BODY);
  });

  it('sends the fixed headers, a request id, and never compresses', async () => {
    await using gateway = await startGateway({ apps: [bytesApp] });
    const { response } = await send(`${gateway.url}/test/bytes/stream`, {
      method: 'POST',
      body: '{}',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    await readText(response);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.headers['cache-control']).toBe('no-cache, no-transform');
    expect(response.headers['x-accel-buffering']).toBe('no');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-fal-request-id']).toBe(response.headers['x-request-id']);
  });

  it('writes whole frames: no server write holds part of a frame', async () => {
    await using gateway = await startGateway({ apps: [bytesApp] });
    const { head, chunks } = await rawPost(gateway.url, '/test/bytes/stream', '{}');
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(chunks[0]).toBe(': open\n\n');
    for (const chunk of chunks) expect(chunk).toMatch(/^(:|id: )[^]*\n\n$/);
    expect(chunks.join('')).toBe(EXPECTED_BODY);
  });

  it('sends JSON that is pure ASCII', async () => {
    await using gateway = await startGateway({ apps: [bytesApp] });
    const { response } = await send(`${gateway.url}/test/bytes/stream`, {
      method: 'POST',
      body: '{}',
    });
    const text = await readText(response);
    expect([...text].every((character) => character.charCodeAt(0) < 0x80)).toBe(true);
    const events = parseEvents(text);
    expect(JSON.parse(events[1]!.data)).toEqual({ text: 'héllo ☃ 😀' });
  });

  it('parses to the same events when split at every byte boundary', async () => {
    await using gateway = await startGateway({ apps: [bytesApp] });
    const { response } = await send(`${gateway.url}/test/bytes/stream`, {
      method: 'POST',
      body: '{}',
    });
    const bytes = Buffer.from(await readText(response));
    const whole = parseSplit(bytes, []);
    expect(whole.map((event) => event.event)).toEqual(['progress', 'output', 'progress', 'result']);
    for (let cut = 1; cut < bytes.length; cut++) expect(parseSplit(bytes, [cut])).toEqual(whole);
    for (let cut = 1; cut + 7 < bytes.length; cut += 3)
      expect(parseSplit(bytes, [cut, cut + 7])).toEqual(whole);
  });

  it('sends heartbeat comments while a run is quiet, never inside a frame', async () => {
    await using gateway = await startGateway({ apps: [countApp], heartbeatMs: 20 });
    const body = JSON.stringify({ n: 2, delay_ms: 150 });
    const { response } = await send(`${gateway.url}/test/count/stream`, { method: 'POST', body });
    const text = await readText(response);
    expect(text.match(/: heartbeat\n\n/g)?.length).toBeGreaterThanOrEqual(3);
    const frames = text.split('\n\n').filter((frame) => frame.startsWith('id: '));
    expect(frames.map((frame) => frame.split('\n')[1])).toEqual([
      'event: output',
      'event: output',
      'event: result',
    ]);
  });
});
