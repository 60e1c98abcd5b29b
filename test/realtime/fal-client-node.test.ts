import { createFalClient, type ApiError } from '@fal-ai/client';
import { unpack } from 'msgpackr';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { installRewritingWebSocket, realtimeToSluice } from './fal-hosts-realtime.js';
import { doubleApp } from './realtime-support.js';

const KEY = 'fal-realtime-key';
let uninstall = () => Promise.resolve();
afterEach(() => uninstall());

// These tests use fal's default token provider on purpose (its token fetch is what they
// check); fal's client warns that the default is deprecated. Only that notice is hidden.
const DEFAULT_PROVIDER_NOTICE = 'Using the default token provider is deprecated';
beforeEach(() => {
  const warn = console.warn.bind(console);
  const spy = vi.spyOn(console, 'warn').mockImplementation((...parts: unknown[]) => {
    if (!String(parts[0]).includes(DEFAULT_PROVIDER_NOTICE)) warn(...parts);
  });
  return () => spy.mockRestore();
});

function connect(baseUrl: string, throttleInterval = 0) {
  const installed = installRewritingWebSocket(baseUrl);
  uninstall = installed.uninstall;
  const fal = createFalClient({ credentials: KEY, requestMiddleware: realtimeToSluice(baseUrl) });
  const results: Record<string, unknown>[] = [];
  const errors: ApiError<unknown>[] = [];
  const waiters: (() => void)[] = [];
  const connection = fal.realtime.connect('rt/double', {
    throttleInterval,
    onResult: (result: Record<string, unknown>) => {
      results.push(result);
      waiters.splice(0).forEach((wake) => wake());
    },
    onError: (error) => {
      errors.push(error as ApiError<unknown>);
      waiters.splice(0).forEach((wake) => wake());
    },
  });
  const until = async (ready: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!ready() && Date.now() < deadline)
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    expect(ready()).toBe(true);
  };
  const sentInputs = () =>
    installed.sentFrames.map((frame): unknown => unpack(frame as Uint8Array));
  return { connection, results, errors, until, sentInputs };
}

describe('the unmodified @fal-ai/client fal.realtime.connect, in Node', () => {
  it('gets its token from POST /tokens/, sends msgpack, and its onResult gets each output', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: [KEY] });
    const { connection, results, until } = connect(gateway.url);
    connection.send({ x: 2 });
    await until(() => results.length === 1);
    expect(results[0]).toMatchObject({ doubled: 4 });
    expect(typeof results[0]!.request_id).toBe('string');
    connection.send({ x: 5 });
    await until(() => results.length === 2);
    expect(results[1]).toMatchObject({ doubled: 10 });
    connection.close();
  });

  it('its onError gets an input that fails validation, and the connection goes on', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: [KEY] });
    const { connection, results, errors, until } = connect(gateway.url);
    connection.send({ x: 'not a number' });
    await until(() => errors.length === 1);
    expect(errors[0]!.message).toMatch(/^invalid_input: /);
    expect(errors[0]!.body).toMatchObject({ type: 'x-fal-error', error: 'invalid_input' });
    connection.send({ x: 1 });
    await until(() => results.length === 1);
    expect(results[0]).toMatchObject({ doubled: 2 });
    connection.close();
  });

  it('its throttle thins a burst of inputs, and each input it sends gets its result', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: [KEY] });
    const { connection, results, until, sentInputs } = connect(gateway.url, 64);
    for (let x = 1; x <= 10; x++) connection.send({ x });
    // fal's throttle passes the first input at once and the latest one interval later, but it
    // drops that trailing input when its timer fires a millisecond early by `Date.now()`, as a
    // loaded machine makes likely. So the test asks of sluice only what the client sent. Once
    // the interval has passed, what the client will send is settled.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await until(() => sentInputs().length > 0 && results.length === sentInputs().length);
    const sent = sentInputs() as { x: number }[];
    expect(sent.length).toBeLessThan(10);
    expect(results.map((result) => result.doubled)).toEqual(sent.map(({ x }) => x * 2));
    connection.close();
  });
});
