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

  /** Sends an intermediate result to the caller (an `output` event; only rank 0's are kept). */
  addStreamingResult(data: unknown): void {
    this.current?.emit(data);
  }

  /** @internal Runs one payload with its context, for the group runtime. */
  runWith(payload: Payload, context: RunContext): RunResult<Result> {
    this.current = context;
    return this.handle(payload, context);
  }
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
