import type { Agent } from 'node:http';
import type { ServerHandle } from '../server-process.js';

/** Named figures from one measurement, e.g. `{ eventsPerSecond: 312000 }`. */
export type Metrics = Record<string, number>;

/** A target: a floor on sluice ÷ baseline, or a ceiling on sluice's own figure. */
export type Target =
  | { readonly kind: 'ratio-at-least'; readonly value: number }
  | { readonly kind: 'sluice-at-most'; readonly value: number; readonly unit: string };

/** One row of the results table. */
export interface MetricRow {
  /** The key in {@link Metrics}. */
  readonly metric: string;
  /** What the figure is, e.g. `events/s`. */
  readonly label: string;
  readonly format: (value: number) => string;
  readonly target?: Target;
}

/** What one scenario's measurement gets. */
export interface MeasureContext {
  readonly server: ServerHandle;
  /** A fresh keep-alive agent, destroyed after the measurement. */
  readonly agent: Agent;
}

/** A workload run against both servers, several times. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly repetitions: number;
  /** The whole measurement (warm-up excluded) fails after this long. */
  readonly timeoutMs: number;
  readonly rows: readonly MetricRow[];
  measure(context: MeasureContext): Promise<Metrics>;
}
