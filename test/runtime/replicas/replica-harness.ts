import type { App } from '../../../src/app/define-app.js';
import type { NewEvent } from '../../../src/events/event-types.js';
import { RunControl } from '../../../src/runtime/run-control.js';
import { replicaEcho } from '../../fixtures/replica-echo.js';
import { createRuntime } from '../../../src/runtime/create-runtime.js';
import type { RuntimeOverrides } from '../../../src/runtime/placement.js';
import { startGateway, type TestGateway } from '../../support/gateway.js';
import { parseEvents, readText, send, type ParsedEvent } from '../../support/sse-client.js';

/** The module URL of a fixture file under `test/fixtures`. */
export function fixtureUrl(file: string): string {
  return new URL(`../../fixtures/${file}`, import.meta.url).href;
}

/** A gateway whose runtime runs `app` (imported from `file`) in replica processes. */
export async function startReplicaGateway(options: {
  readonly app: App;
  readonly file: string;
  readonly overrides?: RuntimeOverrides;
}): Promise<TestGateway> {
  const { app, file, overrides } = options;
  const runtime = createRuntime([{ app, moduleUrl: fixtureUrl(file) }], {
    restartBackoffMs: 50,
    ...overrides,
  });
  await runtime.start();
  return startGateway({ apps: [app], runtime });
}

/** GETs a JSON document. */
export async function getJson<Body>(url: string): Promise<{ status: number; body: Body }> {
  const { response } = await send(url);
  return { status: response.statusCode ?? 0, body: JSON.parse(await readText(response)) as Body };
}

/** POSTs to a stream route and collects every event until the response ends. */
export async function streamEvents(url: string, input: unknown): Promise<ParsedEvent[]> {
  const { response } = await send(url, { method: 'POST', body: JSON.stringify(input) });
  return parseEvents(await readText(response));
}

/** The parsed `data` of the last event. */
export function lastData<Data = Record<string, unknown>>(events: readonly ParsedEvent[]): Data {
  return JSON.parse(events.at(-1)?.data ?? 'null') as Data;
}

let nextRequest = 1;

/**
 * A runtime job of the echo app whose events land in `events`. Each append is
 * acknowledged once `acknowledge` (by default at once) resolves.
 */
export function runtimeJob(
  input: unknown,
  acknowledge: () => Promise<void> = () => Promise.resolve(),
) {
  const requestId = `request-${nextRequest++}`;
  const events: NewEvent[] = [];
  const control = new RunControl(requestId);
  const sink = async (batch: readonly NewEvent[]) => {
    events.push(...batch);
    await acknowledge();
    return { accepted: true as const, lastSeq: events.length };
  };
  const endpoint = replicaEcho.endpoints.get('')!;
  return {
    app: replicaEcho,
    endpoint,
    input: endpoint.input.parse(input),
    requestId,
    control,
    sink,
    events,
  };
}
