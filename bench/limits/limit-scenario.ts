import type { Agent } from 'node:http';
import type { Redis } from 'ioredis';
import type { Metrics } from '../scenarios/scenario.js';
import type { ServerHandle } from '../server-process.js';
import type { LimitMode } from './modes.js';

/** A target for one mode: a floor on its ratio to raw, or a ceiling on its own figure. */
export type LimitTarget =
  | { readonly kind: 'ratio-at-least'; readonly value: number }
  | { readonly kind: 'at-most'; readonly value: number; readonly unit: string };

/** One row of the table: a metric, with a target per mode where the issue sets one. */
export interface LimitRow {
  readonly metric: string;
  readonly label: string;
  readonly format: (value: number) => string;
  readonly targets?: Partial<Record<LimitMode, LimitTarget>>;
  /** Modes without this figure (e.g. Redis bytes read outside Redis mode). */
  readonly only?: readonly LimitMode[];
}

/** What one measurement gets. */
export interface LimitContext {
  readonly mode: LimitMode;
  readonly server: ServerHandle;
  readonly agent: Agent;
  /** Every process of the deployment under test, now. */
  processes(): number[];
  /** The private Redis, in Redis mode. */
  readonly redis: Redis | undefined;
}

/** One scenario of issue 19's table, run on every mode. */
export interface LimitScenario {
  readonly id: string;
  readonly title: string;
  readonly repetitions: number;
  readonly timeoutMs: number;
  readonly rows: readonly LimitRow[];
  /** The modes it runs on, when not every one. */
  readonly modes?: readonly LimitMode[];
  measure(context: LimitContext): Promise<Metrics>;
}
