import type { PrepareFunction } from './app-types.js';

/**
 * What an endpoint may declare about its non-streaming path: a prepare step that runs
 * before every run (docs/sync-path.md).
 *
 * @example
 * defineApp({
 *   id: 'demo/features',
 *   input: z.object({ user: z.string() }),
 *   prepare: ({ user }, ctx) => ctx.state.store.lookup(user),
 *   run: (input, ctx) => score(ctx.prepared),
 * });
 */
export interface SyncPathOptions<Input, State> {
  /** Runs before the run in every view; its result is `ctx.prepared`, its time measured apart. */
  readonly prepare?: PrepareFunction<Input, State>;
}

/** The sync-path declarations of an endpoint as sluice serves it. */
export interface ServedSyncPath {
  readonly prepare?: PrepareFunction<unknown, unknown>;
}
