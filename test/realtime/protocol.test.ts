import { describe, expect, it } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { doubleApp, isResult, openProbe, refusalOf } from './realtime-support.js';

describe('the realtime view, frame by frame', () => {
  it('answers a JSON text frame with a JSON result that carries its request id', async () => {
    await using gateway = await startGateway({ apps: [doubleApp] });
    await using probe = await openProbe(`${gateway.url}/rt/double/realtime`);
    probe.sendJson({ x: 21 });
    const result = await probe.next();
    expect(result.doubled).toBe(42);
    expect(result.request_id).toMatch(/^[0-9a-f-]{36}$/);
    // The request is an ordinary one: its result is there for its owner.
    const answer = await fetch(
      `${gateway.url}/queue/rt/double/requests/${String(result.request_id)}`,
    );
    expect(await answer.json()).toEqual({ doubled: 42 });
  });

  it('answers a msgpack binary frame in msgpack', async () => {
    await using gateway = await startGateway({ apps: [doubleApp] });
    await using probe = await openProbe(`${gateway.url}/rt/double/realtime`);
    const binary = new Promise<boolean>((resolve) =>
      probe.socket.once('message', (_data, isBinary) => resolve(isBinary)),
    );
    probe.sendMsgpack({ x: 1.5 });
    expect(await probe.next()).toMatchObject({ doubled: 3 });
    expect(await binary).toBe(true);
  });

  it('sends stream events as x-fal-message frames before the result when asked', async () => {
    await using gateway = await startGateway({ apps: [doubleApp] });
    await using probe = await openProbe(`${gateway.url}/rt/double/realtime?events=1`);
    probe.sendJson({ x: 4 });
    const result = await probe.next(isResult);
    const id = result.request_id;
    const events = probe.messages.filter((message) => message.type === 'x-fal-message');
    // A progress read after a newer one was logged is skipped (latest wins), as over SSE.
    expect(events.filter((event) => event.event === 'output')).toEqual([
      { type: 'x-fal-message', request_id: id, event: 'output', seq: 2, data: { half: 2 } },
    ]);
    expect(events.at(-1)).toMatchObject({ event: 'progress', data: { step: 2, total: 2 } });
    expect(events.every((event) => event.request_id === id)).toBe(true);
    expect(probe.messages.at(-1)).toBe(result);
  });

  it('serves many inputs over one connection, each its own request', async () => {
    await using gateway = await startGateway({ apps: [doubleApp] });
    await using probe = await openProbe(`${gateway.url}/rt/double/realtime`);
    const ids = new Set<unknown>();
    for (let x = 0; x < 20; x++) {
      probe.sendJson({ x });
      const result = await probe.next(isResult);
      expect(result.doubled).toBe(2 * x);
      ids.add(result.request_id);
    }
    expect(ids.size).toBe(20);
  });

  it('refuses an unknown app with 404 before the upgrade, in the usual shape', async () => {
    await using gateway = await startGateway({ apps: [doubleApp] });
    const refusal = await refusalOf(`${gateway.url}/rt/nothing/realtime`);
    expect(refusal).toMatchObject({ status: 404 });
    expect(JSON.parse(refusal.body)).toEqual({
      detail: 'No realtime endpoint is served at this path',
      error_type: 'not_found',
      code: 'not_found',
    });
  });

  it('refuses missing and wrong keys with 401 before the upgrade; a good key connects', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: ['key-1'] });
    const url = `${gateway.url}/rt/double/realtime`;
    const missing = await refusalOf(url);
    expect(missing).toMatchObject({ status: 401 });
    expect(missing.headers['www-authenticate']).toBe('Key');
    expect(JSON.parse(missing.body)).toMatchObject({ code: 'unauthorized' });
    const wrong = await refusalOf(url, { headers: { authorization: 'Key nope' } });
    expect(wrong).toMatchObject({ status: 401 });
    await using probe = await openProbe(url, { headers: { authorization: 'Key key-1' } });
    probe.sendJson({ x: 1 });
    expect(await probe.next()).toMatchObject({ doubled: 2 });
  });

  it('closes with 1001 when the gateway shuts down', async () => {
    const gateway = await startGateway({ apps: [doubleApp] });
    await using probe = await openProbe(`${gateway.url}/rt/double/realtime`);
    await gateway.close();
    expect((await probe.closed).code).toBe(1001);
  });
});
