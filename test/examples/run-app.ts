import type { RunContext } from '../../src/app/app-types.js';
import type { App, ServedEndpoint } from '../../src/app/define-app.js';
import type { EventType, NewEvent } from '../../src/events/event-types.js';
import { executeRun, type RunOutcome } from '../../src/runtime/execute-run.js';
import { RunControl } from '../../src/runtime/run-control.js';

/** An event as the sink received it, its JSON parsed. */
export interface ParsedEvent {
  readonly type: EventType;
  readonly data: unknown;
}

/** What {@link runApp} needs. */
export interface RunAppOptions {
  readonly app: App;
  /** What the app's `setup()` returned. */
  readonly state: unknown;
  /** Raw input; the endpoint's schema applies defaults. */
  readonly input: Record<string, unknown>;
  readonly control?: RunControl;
  /** Sees each event as the sink receives it (the place to abort mid-run). */
  readonly onEvent?: (event: ParsedEvent) => void;
  /** Wraps the context the app sees, to watch calls it makes after the run has ended. */
  readonly wrapContext?: (context: RunContext) => RunContext;
}

/** How a run went: its outcome, every event, and the `result` payload if there was one. */
export interface RunRecord {
  readonly outcome: RunOutcome;
  readonly events: ParsedEvent[];
  readonly result: unknown;
}

function wrapEndpoint(endpoint: ServedEndpoint, options: RunAppOptions): ServedEndpoint {
  const { wrapContext } = options;
  if (!wrapContext) return endpoint;
  return { ...endpoint, run: (input, context) => endpoint.run(input, wrapContext(context)) };
}

/**
 * Runs an app's default endpoint through the real executor, with a sink that collects events.
 *
 * @example
 * const { result } = await runApp({ app, state: await app.setup(), input: { steps: 2 } });
 */
export async function runApp(options: RunAppOptions): Promise<RunRecord> {
  const endpoint = options.app.endpoints.get('');
  if (!endpoint) throw new Error('The app has no default endpoint');
  const events: ParsedEvent[] = [];
  const sink = (batch: readonly NewEvent[]) => {
    for (const event of batch) {
      const parsed = { type: event.type, data: JSON.parse(event.json) as unknown };
      events.push(parsed);
      options.onEvent?.(parsed);
    }
    return Promise.resolve({ accepted: true as const, lastSeq: events.length });
  };
  const outcome = await executeRun({
    app: options.app,
    endpoint: wrapEndpoint(endpoint, options),
    input: await endpoint.input.parseAsync(options.input),
    state: options.state,
    requestId: 'test',
    control: options.control ?? new RunControl('test'),
    sink,
  });
  const result = events.find((event) => event.type === 'result')?.data;
  return { outcome, events, result };
}

/** The payloads of one event type, in order. */
export function payloadsOf<Payload>(record: RunRecord, type: EventType): Payload[] {
  return record.events.filter((event) => event.type === type).map((event) => event.data as Payload);
}
