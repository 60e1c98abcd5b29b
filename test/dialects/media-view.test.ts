import { afterEach, describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { send, until } from '../support/sse-client.js';
import { armGate, chunksApp, gate } from './binary-apps.js';
import { plainSteps } from './dialect-apps.js';

const apps = [chunksApp, plainSteps];

async function submit(url: string, appPath: string, body: object): Promise<string> {
  const response = await fetch(`${url}/queue/${appPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await response.json()) as { request_id: string }).request_id;
}

afterEach(() => gate.open());

describe('the media view', () => {
  it('streams binary outputs as chunked bytes with their content type while the run goes on', async () => {
    armGate();
    await using gateway = await startGateway({ apps });
    const requestId = await submit(gateway.url, 'demo/chunks', { chunks: 3, size: 4 });
    const { response } = await send(`${gateway.url}/demo/chunks/requests/${requestId}/media`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('audio/wav');
    expect(response.headers['transfer-encoding']).toBe('chunked');
    const received: Buffer[] = [];
    const reading = (async () => {
      for await (const chunk of response) received.push(chunk as Buffer);
    })();
    // The first chunk arrives while the run still waits on the gate: played as it is produced.
    await until(() => Promise.resolve(Buffer.concat(received).length >= 4));
    expect((await gateway.eventLog.lookup(requestId)).state).toBe('live');
    gate.open();
    await reading;
    expect([...Buffer.concat(received)]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  });

  it('answers a Range on a finished request with 206 and its Content-Range', async () => {
    await using gateway = await startGateway({ apps });
    const requestId = await submit(gateway.url, 'demo/chunks', { chunks: 3, size: 2 });
    await until(async () => (await gateway.eventLog.lookup(requestId)).state === 'ended');
    const media = `${gateway.url}/demo/chunks/requests/${requestId}/media`;
    const whole = await fetch(media);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect([...new Uint8Array(await whole.arrayBuffer())]).toEqual([1, 1, 2, 2, 3, 3]);
    const part = await fetch(media, { headers: { range: 'bytes=3-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 3-5/6');
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([2, 3, 3]);
    const past = await fetch(media, { headers: { range: 'bytes=6-' } });
    expect(past.status).toBe(416);
    expect(((await past.json()) as { code: string }).code).toBe('range_not_satisfiable');
    const several = await fetch(media, { headers: { range: 'bytes=0-1,3-4' } });
    expect(several.status).toBe(416);
  });

  it('answers 404 not_found for a request without binary outputs', async () => {
    await using gateway = await startGateway({ apps });
    const requestId = await submit(gateway.url, 'demo/steps', { steps: 1 });
    const response = await fetch(`${gateway.url}/demo/steps/requests/${requestId}/media`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe('not_found');
  });
});
