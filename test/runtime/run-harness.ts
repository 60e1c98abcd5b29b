import { expect } from 'vitest';
import type { App } from '../../src/app/define-app.js';
import type { EventSink } from '../../src/runtime/event-writer.js';
import type { ErrorPayload, EventType, NewEvent } from '../../src/events/event-types.js';
import { isTerminal } from '../../src/events/event-types.js';
import { executeRun, type RunOutcome } from '../../src/runtime/execute-run.js';
import { RunControl } from '../../src/runtime/run-control.js';

/** An event as a test reads it: its type and its parsed payload. */
export interface ParsedEvent {
  readonly type: EventType;
  readonly data: unknown;
}

/** Options of {@link collectingSink}. */
export interface SinkOptions {
  /** Refuse (`full`) a non-terminal batch that would take the log past this many events. */
  readonly maxEvents?: number;
  /** Answer each append after this many milliseconds, as a remote log would. */
  readonly delayMs?: number;
}

/** A sink that keeps what it accepts, like a memory event log: a terminal event always fits. */
export function collectingSink(options: SinkOptions = {}): {
  sink: EventSink;
  events: NewEvent[];
} {
  const events: NewEvent[] = [];
  const sink: EventSink = async (batch) => {
    if (options.delayMs !== undefined) await sleep(options.delayMs);
    const terminal = batch.some((event) => isTerminal(event.type));
    const limit = options.maxEvents ?? Infinity;
    if (!terminal && events.length + batch.length > limit)
      return { accepted: false, reason: 'full' };
    events.push(...batch);
    return { accepted: true, lastSeq: events.length };
  };
  return { sink, events };
}

export function parseEvents(events: readonly NewEvent[]): ParsedEvent[] {
  return events.map((event) => ({ type: event.type, data: JSON.parse(event.json) as unknown }));
}

/** Asserts that there is exactly one terminal event and that it is the last; returns it. */
export function soleTerminal(events: readonly ParsedEvent[]): ParsedEvent {
  const terminals = events.filter((event) => isTerminal(event.type));
  expect(terminals, 'exactly one terminal event').toHaveLength(1);
  expect(events.at(-1), 'the terminal event is the last').toBe(terminals[0]);
  return terminals[0]!;
}

/** The payload of the sole terminal event, which must be an `error`. */
export function terminalError(events: readonly ParsedEvent[]): ErrorPayload {
  const terminal = soleTerminal(events);
  expect(terminal.type).toBe('error');
  return terminal.data as ErrorPayload;
}

/** Options of {@link runApp}. */
export interface RunAppOptions {
  readonly input?: unknown;
  readonly state?: unknown;
  readonly endpoint?: string;
  readonly control?: RunControl;
  readonly requestId?: string;
  readonly sink?: { sink: EventSink; events: NewEvent[] };
}

/** What {@link runApp} saw. `events` is read when the run has finished. */
export interface RunRecord {
  readonly outcome: RunOutcome;
  readonly events: ParsedEvent[];
  /** Everything the sink accepted up to now, parsed; for late checks. */
  readonly eventsNow: () => ParsedEvent[];
}

/** Drives one run through the real executor, with no server. */
export async function runApp(app: App, options: RunAppOptions = {}): Promise<RunRecord> {
  const collected = options.sink ?? collectingSink();
  const outcome = await executeRun({
    app,
    endpoint: app.endpoints.get(options.endpoint ?? '')!,
    input: options.input ?? {},
    state: options.state,
    requestId: options.requestId ?? 'r1',
    control: options.control ?? new RunControl(options.requestId ?? 'r1'),
    sink: collected.sink,
  });
  return {
    outcome,
    events: parseEvents(collected.events),
    eventsNow: () => parseEvents(collected.events),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The types of events, in order. */
export function typesOf(events: readonly ParsedEvent[]): EventType[] {
  return events.map((event) => event.type);
}
