import { createFalClient, type ApiError } from '@fal-ai/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startGateway } from '../support/gateway.js';
import { installRewritingWebSocket, realtimeToSluice } from './fal-hosts-realtime.js';
import { doubleApp } from './realtime-support.js';

const KEY = 'fal-realtime-key';
let uninstall = () => undefined as void;
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
  uninstall = installRewritingWebSocket(baseUrl);
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
  return { connection, results, errors, until };
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

  it('its throttle sends the latest of a burst of inputs', async () => {
    await using gateway = await startGateway({ apps: [doubleApp], apiKeys: [KEY] });
    const { connection, results, until } = connect(gateway.url, 64);
    for (let x = 1; x <= 10; x++) connection.send({ x });
    await until(() => results.some((result) => result.doubled === 20));
    expect(results.length).toBeLessThan(10);
    connection.close();
  });
});
