/**
 * The facts a progress display shows, computed from a stream's events: step/total, rate,
 * ETA, elapsed time, the latest log line and the preview count. Pure and browser-safe (no
 * Node imports), so `sluice call` and the playground page show the same numbers.
 */

/** What the tracker reads of an event: its type and data, as a client yields them. */
export interface TrackedEvent {
  readonly type: string;
  readonly data: unknown;
}

/** Where a tracked request is. */
export type TrackedStatus = 'running' | 'succeeded' | 'failed';

/** The tracker's state: fold events into it with {@link trackEvent}. */
export interface ProgressState {
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  readonly status: TrackedStatus;
  readonly step: number | undefined;
  readonly total: number | undefined;
  readonly message: string | undefined;
  /** The first progress seen and when: the rate is measured from it. */
  readonly firstProgress: { readonly step: number; readonly at: number } | undefined;
  readonly lastProgressAt: number | undefined;
  readonly latestLog: string | undefined;
  readonly previewCount: number;
  readonly eventCount: number;
  /** `output` events seen, with the times of the first and the latest. */
  readonly outputs: OutputTally;
}

/** `output` events counted for a rate, for runs that report no progress (a text stream). */
export interface OutputTally {
  readonly count: number;
  readonly firstAt: number | undefined;
  readonly lastAt: number | undefined;
  /** Whether they carry text (`token`, `delta` or `text`): then they count as tokens. */
  readonly textual: boolean;
}

/** What a display shows. Numbers a stream has not told yet are `undefined`. */
export interface ProgressFacts {
  readonly status: TrackedStatus;
  readonly step: number | undefined;
  readonly total: number | undefined;
  /** step / total, clamped to 0…1. */
  readonly fraction: number | undefined;
  readonly message: string | undefined;
  /** Steps per second since the first progress event seen. */
  readonly stepsPerSecond: number | undefined;
  /** Time left at the measured rate, in ms. */
  readonly etaMs: number | undefined;
  readonly elapsedMs: number;
  readonly latestLog: string | undefined;
  readonly previewCount: number;
  readonly eventCount: number;
  /** `output` events so far. */
  readonly outputCount: number;
  /** Outputs per second between the first and the latest (tokens/s for a text stream). */
  readonly outputsPerSecond: number | undefined;
  /** `tokens` when the outputs carry text, else `outputs`. */
  readonly outputUnit: 'tokens' | 'outputs';
}

/**
 * The state before any event.
 *
 * @example
 * let state = startProgress(Date.now());
 */
export function startProgress(startedAt: number): ProgressState {
  return {
    startedAt,
    endedAt: undefined,
    status: 'running',
    step: undefined,
    total: undefined,
    message: undefined,
    firstProgress: undefined,
    lastProgressAt: undefined,
    latestLog: undefined,
    previewCount: 0,
    eventCount: 0,
    outputs: { count: 0, firstAt: undefined, lastAt: undefined, textual: false },
  };
}

function field(data: unknown, name: string): unknown {
  return typeof data === 'object' && data !== null
    ? (data as Record<string, unknown>)[name]
    : undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function withProgress(state: ProgressState, data: unknown, at: number): ProgressState {
  const step = finiteNumber(field(data, 'step'));
  const total = finiteNumber(field(data, 'total'));
  if (step === undefined) return state;
  const message = field(data, 'message');
  return {
    ...state,
    step,
    total,
    message: typeof message === 'string' ? message : undefined,
    firstProgress: state.firstProgress ?? { step, at },
    lastProgressAt: at,
  };
}

function withLog(state: ProgressState, data: unknown): ProgressState {
  const message = field(data, 'message');
  return typeof message === 'string' ? { ...state, latestLog: message } : state;
}

const TEXT_FIELDS = ['token', 'delta', 'text'];

function withOutput(state: ProgressState, data: unknown, at: number): ProgressState {
  const { outputs } = state;
  const textual =
    outputs.textual || TEXT_FIELDS.some((name) => typeof field(data, name) === 'string');
  return {
    ...state,
    outputs: { count: outputs.count + 1, firstAt: outputs.firstAt ?? at, lastAt: at, textual },
  };
}

function outputRate(outputs: OutputTally): number | undefined {
  const { count, firstAt, lastAt } = outputs;
  if (firstAt === undefined || lastAt === undefined || count < 2) return undefined;
  const seconds = (lastAt - firstAt) / 1000;
  return seconds > 0 ? (count - 1) / seconds : undefined;
}

function applyEvent(state: ProgressState, event: TrackedEvent, at: number): ProgressState {
  switch (event.type) {
    case 'progress':
      return withProgress(state, event.data, at);
    case 'log':
      return withLog(state, event.data);
    case 'preview':
      return { ...state, previewCount: state.previewCount + 1 };
    case 'output':
      return withOutput(state, event.data, at);
    case 'result':
      return { ...state, status: 'succeeded', endedAt: at };
    case 'error':
      return { ...state, status: 'failed', endedAt: at };
    default:
      return state;
  }
}

/**
 * Folds one event, received at time `at` (ms), into the state.
 *
 * @example
 * for await (const event of stream) state = trackEvent(state, event, Date.now());
 */
export function trackEvent(state: ProgressState, event: TrackedEvent, at: number): ProgressState {
  if (state.status !== 'running') return state;
  const next = applyEvent(state, event, at);
  return { ...next, eventCount: state.eventCount + 1 };
}

function rateOf(state: ProgressState): number | undefined {
  const { firstProgress, lastProgressAt, step } = state;
  if (!firstProgress || lastProgressAt === undefined || step === undefined) return undefined;
  const seconds = (lastProgressAt - firstProgress.at) / 1000;
  const steps = step - firstProgress.step;
  return seconds > 0 && steps > 0 ? steps / seconds : undefined;
}

function etaOf(state: ProgressState, stepsPerSecond: number | undefined): number | undefined {
  const { step, total } = state;
  if (step === undefined || total === undefined || total <= 0) return undefined;
  const left = Math.max(0, total - step);
  if (state.status !== 'running' || left === 0) return 0;
  return stepsPerSecond === undefined ? undefined : (left / stepsPerSecond) * 1000;
}

/**
 * The facts to show at time `now` (ms).
 *
 * @example
 * const facts = progressFacts(state, Date.now());
 * facts.etaMs; // ms left at the measured rate, or undefined
 */
export function progressFacts(state: ProgressState, now: number): ProgressFacts {
  const { step, total } = state;
  const stepsPerSecond = rateOf(state);
  const hasTotal = step !== undefined && total !== undefined && total > 0;
  return {
    status: state.status,
    step,
    total,
    fraction: hasTotal ? Math.min(1, Math.max(0, step / total)) : undefined,
    message: state.message,
    stepsPerSecond,
    etaMs: etaOf(state, stepsPerSecond),
    elapsedMs: Math.max(0, (state.endedAt ?? now) - state.startedAt),
    latestLog: state.latestLog,
    previewCount: state.previewCount,
    eventCount: state.eventCount,
    outputCount: state.outputs.count,
    outputsPerSecond: outputRate(state.outputs),
    outputUnit: state.outputs.textual ? 'tokens' : 'outputs',
  };
}

/**
 * A duration for people: `0:07`, `1:05`, `1:02:03`.
 *
 * @example
 * formatDuration(65_000); // '1:05'
 */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

/**
 * A rate for people: `12.3 steps/s`, or `4.1 s/step` when slower than one step a second.
 *
 * @example
 * formatRate(0.25); // '4.0 s/step'
 */
export function formatRate(stepsPerSecond: number): string {
  if (stepsPerSecond >= 1) return `${stepsPerSecond.toFixed(1)} steps/s`;
  return `${(1 / stepsPerSecond).toFixed(1)} s/step`;
}
