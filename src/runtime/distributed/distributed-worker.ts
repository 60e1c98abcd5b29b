import { z } from 'zod';
import { defineApp, type App } from '../../app/define-app.js';
import type { RunContext, RunResult } from '../../app/app-types.js';

/**
 * One rank of a group that a {@link DistributedRunner} drives, shaped like fal's
 * `DistributedWorker`: `setup()` runs once per rank (load the model shard), `handle()` runs
 * once per payload on every rank. Only rank 0's events and return value reach the caller;
 * `ctx` has the collectives (`barrier`, `gather`, …), `emit`, `progress` and `preview`.
 * Export the class from its own module: every rank process imports it.
 *
 * @example
 * export default class Renderer extends DistributedWorker<{ steps: number }, { done: true }> {
 *   async handle({ steps }, ctx) {
 *     for (let step = 1; step <= steps; step++) {
 *       await ctx.barrier();
 *       if (this.rank === 0) this.addStreamingResult({ step });
 *     }
 *     return { done: true };
 *   }
 * }
 */
export abstract class DistributedWorker<Payload = unknown, Result = unknown> {
  /** This process's rank, 0 to `worldSize - 1`. */
  readonly rank = Number(process.env.RANK ?? 0);
  /** How many ranks the group has. */
  readonly worldSize = Number(process.env.WORLD_SIZE ?? 1);
  private current: RunContext | undefined;

  /** Runs once per rank before the first payload. */
  setup(): void | Promise<void> {}

  /** Handles one payload on this rank; rank 0's return value is the result. */
  abstract handle(payload: Payload, context: RunContext): RunResult<Result>;

  /**
   * Sends an intermediate result to the caller as an `output` event. Only rank 0's reach
   * the caller: on any other rank the result is not sent, and the first one warns (once per
   * process, on its stderr) so a result is never lost in silence. `asTextEvent` is fal's
   * flag, accepted as written: whether a result arrives as an SSE frame or as a value is the
   * caller's choice (`runner.stream(payload, { asTextEvents: true })`).
   *
   * @example
   * if (this.rank === 0) this.addStreamingResult({ step, progress: step / steps }, { asTextEvent: true });
   */
  addStreamingResult(data: unknown, _options?: StreamingResultOptions): void {
    if (this.rank !== 0) return warnStrayResult(this.rank);
    this.current?.emit(data);
  }

  /** @internal Runs one payload with its context, for the group runtime. */
  runWith(payload: Payload, context: RunContext): RunResult<Result> {
    this.current = context;
    return this.handle(payload, context);
  }
}

/** Options of {@link DistributedWorker.addStreamingResult}. */
export interface StreamingResultOptions {
  /** fal's flag: the result is meant as an SSE text event (see {@link DistributedWorker.addStreamingResult}). */
  readonly asTextEvent?: boolean;
}

let strayWarned = false;

/** Warns, once per rank process, that results added off rank 0 do not reach the caller. */
function warnStrayResult(rank: number): void {
  if (strayWarned) return;
  strayWarned = true;
  process.emitWarning(
    `addStreamingResult on rank ${rank} is not sent: only rank 0's results reach the caller ` +
      '(add them under `if (this.rank === 0)`, or gather them to rank 0 first)',
    { code: 'SLUICE_STRAY_RESULT' },
  );
}

/** A `DistributedWorker` subclass with a no-argument constructor. */
export type DistributedWorkerClass = new () => DistributedWorker;

/**
 * Whether a value is a `DistributedWorker` subclass.
 *
 * @example
 * const WorkerClass = Object.values(exports).find(isWorkerClass);
 */
export function isWorkerClass(value: unknown): value is DistributedWorkerClass {
  return typeof value === 'function' && value.prototype instanceof DistributedWorker;
}

/** The app id under which a runner's worker is served inside its group. */
export const WORKER_APP_ID = 'sluice/distributed-worker';

/**
 * The app a rank process serves for a worker class: `setup` constructs the worker and runs
 * its `setup`; every run calls `handle`.
 *
 * @example
 * const app = workerApp(RendererWorker);
 */
export function workerApp(WorkerClass: DistributedWorkerClass): App {
  return defineApp({
    id: WORKER_APP_ID,
    input: z.unknown(),
    setup: async () => {
      const worker = new WorkerClass();
      await worker.setup();
      return worker;
    },
    run: (payload, context) => context.state.runWith(payload, context),
  });
}
