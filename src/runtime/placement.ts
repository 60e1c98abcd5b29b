import type { App, Isolation, ReplicaScale } from '../app/define-app.js';

/** Placement settings that apply to every app, from the CLI or code; they win over the app's own. */
export interface RuntimeOverrides {
  readonly isolation?: Isolation;
  /**
   * Replicas of every process app, replacing the app's own: a fixed count, or
   * `{ min, max, keepAliveMs }` to autoscale (a range without `keepAliveMs` keeps the app's).
   */
  readonly replicas?: number | ReplicaScale;
  /**
   * How long an autoscaled replica stays up after its last run, for every autoscaled app
   * (apps with a fixed count have nothing to stop). Refused next to a fixed `replicas`.
   */
  readonly keepAliveMs?: number;
  readonly maxConcurrency?: number;
  readonly worldSize?: number;
  readonly cancelDeadlineMs?: number;
  readonly collectiveTimeoutMs?: number;
  /** Extra Node flags of every replica process (e.g. `--max-old-space-size=256`). */
  readonly nodeOptions?: readonly string[];
  /** First delay before a dead replica restarts; it doubles per consecutive failure (default 250 ms). */
  readonly restartBackoffMs?: number;
  /** Longest delay between restarts (default 30 s). */
  readonly maxRestartBackoffMs?: number;
}

/** An app's placement with defaults and overrides applied. */
export interface ResolvedPlacement {
  readonly isolation: Isolation;
  /** Replica slots: the fixed count, or an autoscaled app's `max`. */
  readonly replicas: number;
  /** How an autoscaled app scales; `undefined` for a fixed count. */
  readonly scale: ResolvedScale | undefined;
  /** Runs one replica executes at once (1 for worker groups). */
  readonly maxConcurrency: number;
  readonly worldSize: number;
  readonly deviceMap: (rank: number) => string;
  readonly cancelDeadlineMs: number;
  readonly collectiveTimeoutMs: number | undefined;
  readonly nodeOptions: readonly string[];
  readonly restartBackoffMs: number;
  readonly maxRestartBackoffMs: number;
}

/** An autoscaled app's bounds and keep-alive, defaults applied. */
export interface ResolvedScale {
  readonly min: number;
  readonly max: number;
  readonly keepAliveMs: number;
}

/** How long an autoscaled replica stays up after its last run, unless the app says. */
export const DEFAULT_KEEP_ALIVE_MS = 60_000;

/** Where apps run unless they or the CLI say otherwise (why inline: `docs/runtime.md`). */
export const DEFAULT_ISOLATION: Isolation = 'inline';
/** Runs one process replica executes at once unless the app says otherwise. */
export const DEFAULT_REPLICA_CONCURRENCY = 1;
export const DEFAULT_CANCEL_DEADLINE_MS = 5_000;

function positiveInteger(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer`);
  }
  return value;
}

function positiveNumber(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(Number.isFinite(value) && value > 0)) {
    throw new TypeError(`${name} must be a positive number`);
  }
  return value;
}

function resolveScale(scale: ReplicaScale): ResolvedScale {
  const { min, max, keepAliveMs = DEFAULT_KEEP_ALIVE_MS } = scale;
  if (!Number.isInteger(min) || min < 0) {
    throw new TypeError('replicas.min must be an integer of 0 or more');
  }
  positiveInteger(max, 'replicas.max');
  if (min > max) throw new TypeError('replicas.min must not be more than replicas.max');
  if (!(Number.isFinite(keepAliveMs) && keepAliveMs >= 0)) {
    throw new TypeError('replicas.keepAliveMs must be a number of 0 or more');
  }
  return { min, max, keepAliveMs };
}

/**
 * The overrides' replicas, else the app's. An autoscaled choice takes its keep-alive from
 * the overrides, else its own range, else the app's; a fixed count has none to take.
 */
function chooseReplicas(
  declared: number | ReplicaScale | undefined,
  overrides: RuntimeOverrides,
): number | ReplicaScale | undefined {
  if (typeof overrides.replicas === 'number' && overrides.keepAliveMs !== undefined) {
    throw new TypeError('keepAliveMs needs autoscaled replicas, not a fixed replicas count');
  }
  const chosen = overrides.replicas ?? declared;
  if (typeof chosen !== 'object') return chosen;
  const declaredKeepAliveMs = typeof declared === 'object' ? declared.keepAliveMs : undefined;
  const keepAliveMs = overrides.keepAliveMs ?? chosen.keepAliveMs ?? declaredKeepAliveMs;
  return { ...chosen, keepAliveMs };
}

/** A fixed count (from the overrides or the app), or the autoscaling bounds. */
function resolveReplicas(
  declared: number | ReplicaScale | undefined,
  overrides: RuntimeOverrides,
): { replicas: number; scale: ResolvedScale | undefined } {
  const chosen = chooseReplicas(declared, overrides);
  if (typeof chosen === 'object') {
    const scale = resolveScale(chosen);
    return { replicas: scale.max, scale };
  }
  return { replicas: positiveInteger(chosen, 'replicas') ?? 1, scale: undefined };
}

/**
 * An app's placement: the overrides, else the app's declaration, else the defaults. A
 * `worldSize` above 1 always runs in processes, one request per group at a time.
 *
 * @example
 * resolvePlacement(app, { replicas: 2 }).replicas; // 2
 */
export function resolvePlacement(app: App, overrides: RuntimeOverrides = {}): ResolvedPlacement {
  const declared = app.placement;
  const worldSize = positiveInteger(overrides.worldSize ?? declared.worldSize, 'worldSize') ?? 1;
  const isolation =
    worldSize > 1 ? 'process' : (overrides.isolation ?? declared.isolation ?? DEFAULT_ISOLATION);
  const maxConcurrency = positiveInteger(
    overrides.maxConcurrency ?? declared.maxConcurrency,
    'maxConcurrency',
  );
  return {
    isolation,
    ...resolveReplicas(declared.replicas, overrides),
    maxConcurrency:
      worldSize > 1
        ? 1
        : (maxConcurrency ?? (isolation === 'process' ? DEFAULT_REPLICA_CONCURRENCY : Infinity)),
    worldSize,
    deviceMap: declared.deviceMap ?? ((rank) => String(rank)),
    cancelDeadlineMs:
      positiveNumber(overrides.cancelDeadlineMs ?? declared.cancelDeadlineMs, 'cancelDeadlineMs') ??
      DEFAULT_CANCEL_DEADLINE_MS,
    collectiveTimeoutMs: positiveNumber(
      overrides.collectiveTimeoutMs ?? declared.collectiveTimeoutMs,
      'collectiveTimeoutMs',
    ),
    nodeOptions: overrides.nodeOptions ?? [],
    restartBackoffMs: positiveNumber(overrides.restartBackoffMs, 'restartBackoffMs') ?? 250,
    maxRestartBackoffMs:
      positiveNumber(overrides.maxRestartBackoffMs, 'maxRestartBackoffMs') ?? 30_000,
  };
}
