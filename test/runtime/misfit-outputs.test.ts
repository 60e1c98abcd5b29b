import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { misfitApp, misfitProcessApp } from '../fixtures/misfit-outputs.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { readText, send } from '../support/sse-client.js';
import { fixtureUrl } from './replicas/replica-harness.js';
import { runApp, terminalError, typesOf } from './run-harness.js';

const CASES: ReadonlyArray<readonly [string, string]> = [
  ['function', 'output.callback is a function'],
  ['symbol', 'output.nested.list[1] is a symbol'],
  ['bigint', 'output["odd key"][2] is a BigInt'],
  ['cycle', 'output.node.self is a cycle (it contains itself)'],
  ['map', 'output.table is a Map'],
  ['nan', 'output.score is not a finite number'],
];

describe('an output JSON cannot carry, inline', () => {
  it.each(CASES)('a returned %s is an app_error naming the field', async (kind, path) => {
    const { events, outcome } = await runApp(misfitApp, { input: { kind, emit: false } });
    expect(outcome.ok).toBe(false);
    const error = terminalError(events);
    expect(error).toMatchObject({ code: 'app_error', retryable: false });
    expect(error.message).toBe(`The app returned an output that JSON cannot carry: ${path}`);
    expect(error.message).not.toMatch(/secret/);
  });

  it.each(CASES)('an emitted %s is an app_error naming the field', async (kind, path) => {
    const { events } = await runApp(misfitApp, { input: { kind, emit: true } });
    expect(typesOf(events)).toEqual(['error']);
    expect(terminalError(events).message).toBe(
      `The app emitted an output that JSON cannot carry: ${path}`,
    );
  });

  it('what JSON carries goes out as before', async () => {
    const { events } = await runApp(misfitApp, { input: { kind: 'fine' } });
    expect(events.at(-1)?.data).toEqual({
      label: 'secret-value-7f3a',
      when: '1970-01-01T00:00:00.000Z',
      shared: [[1], [1]],
    });
  });
});

async function post(gateway: TestGateway, path: string, input: object) {
  const { response } = await send(`${gateway.url}/${path}`, {
    method: 'POST',
    body: JSON.stringify(input),
  });
  return { status: response.statusCode, text: await readText(response) };
}

describe('an output JSON cannot carry, from a replica process', () => {
  it('returned or emitted, it is an app_error naming the field, as inline', async () => {
    const runtime = createRuntime(
      [{ app: misfitProcessApp, moduleUrl: fixtureUrl('misfit-outputs.ts') }],
      { restartBackoffMs: 50 },
    );
    await runtime.start();
    await using gateway = await startGateway({ apps: [misfitProcessApp], runtime, logger: false });
    const returned = await post(gateway, 'test/misfit-process', { kind: 'function' });
    expect(returned.status).toBe(500);
    expect(JSON.parse(returned.text)).toMatchObject({
      code: 'app_error',
      detail: 'The app returned an output that JSON cannot carry: output.callback is a function',
    });
    const streamed = await post(gateway, 'test/misfit-process/stream', {
      kind: 'bigint',
      emit: true,
    });
    expect(streamed.text).toContain(
      'The app emitted an output that JSON cannot carry: output[\\"odd key\\"][2] is a BigInt',
    );
    expect(streamed.text).not.toMatch(/secret/);
    expect(streamed.text).not.toMatch(/event: output/);
  });
});
