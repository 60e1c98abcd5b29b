/** Limits of one endpoint, resolved: `Infinity` when unbounded. */
export interface ResolvedLimits {
  readonly concurrent: number;
  readonly queued: number;
}

/** Limits as declared: any may be missing. */
export interface DeclaredLimits {
  readonly concurrent?: number;
  readonly queued?: number;
}

/**
 * An endpoint's limits: its own from `defineApp`, else the gateway's defaults, else
 * unbounded.
 *
 * @example
 * resolveLimits({ queued: 5 }, { concurrent: 2 }); // { concurrent: 2, queued: 5 }
 */
export function resolveLimits(
  declared: DeclaredLimits | undefined,
  defaults: DeclaredLimits | undefined,
): ResolvedLimits {
  return {
    concurrent: declared?.concurrent ?? defaults?.concurrent ?? Infinity,
    queued: declared?.queued ?? defaults?.queued ?? Infinity,
  };
}

/** What the counters need to know about apps and endpoints. */
export interface LoadSources {
  /** Runs of an app the runtime can execute at once. */
  readonly capacityOf: (appId: string) => number;
  readonly limitsOf: (appId: string, endpoint: string) => ResolvedLimits;
}

/** A request's place in the counters: its app and endpoint. */
export interface LoadKey {
  readonly appId: string;
  readonly endpoint: string;
}

/**
 * Adds `by` to a count. A count that falls to zero stays in the map: the keys are the
 * gateway's apps and endpoints, few and lasting, and deleting then adding one again at
 * every request made the map reallocate its table each time.
 */
function increment(counts: Map<string, number>, key: string, by: number): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

const endpointKey = (key: LoadKey) => `${key.appId}\u0000${key.endpoint}`;

/**
 * Counts the running and waiting requests of each app and endpoint, and decides from them
 * whether a request may start (the app's runtime capacity and the endpoint's `concurrent`
 * limit) or may wait (the endpoint's `queued` limit). Pure bookkeeping: no timers, no I/O.
 *
 * @example
 * const load = new LoadCounters({ capacityOf: () => 1, limitsOf: () => ({ concurrent: Infinity, queued: 10 }) });
 * if (load.canStart(key)) load.start(key);
 */
export class LoadCounters {
  private readonly runningApps = new Map<string, number>();
  private readonly runningEndpoints = new Map<string, number>();
  private readonly waitingApps = new Map<string, number>();
  private readonly waitingEndpoints = new Map<string, number>();

  constructor(private readonly sources: LoadSources) {}

  /** Requests waiting, over every app. */
  get waiting(): number {
    let total = 0;
    for (const count of this.waitingApps.values()) total += count;
    return total;
  }

  /** Requests of one app running or waiting. */
  demandOf(appId: string): number {
    return (this.waitingApps.get(appId) ?? 0) + (this.runningApps.get(appId) ?? 0);
  }

  canStart(key: LoadKey): boolean {
    const { capacityOf, limitsOf } = this.sources;
    const appRunning = this.runningApps.get(key.appId) ?? 0;
    const endpointRunning = this.runningEndpoints.get(endpointKey(key)) ?? 0;
    return (
      appRunning < capacityOf(key.appId) &&
      endpointRunning < limitsOf(key.appId, key.endpoint).concurrent
    );
  }

  /** Whether one more request of this endpoint may wait (or start at once, with nobody ahead). */
  canAdmit(key: LoadKey): boolean {
    const nobodyWaiting = (this.waitingApps.get(key.appId) ?? 0) === 0;
    if (nobodyWaiting && this.canStart(key)) return true;
    const waiting = this.waitingEndpoints.get(endpointKey(key)) ?? 0;
    return waiting < this.sources.limitsOf(key.appId, key.endpoint).queued;
  }

  wait(key: LoadKey, by = 1): void {
    increment(this.waitingApps, key.appId, by);
    increment(this.waitingEndpoints, endpointKey(key), by);
  }

  start(key: LoadKey): void {
    this.wait(key, -1);
    this.run(key, 1);
  }

  run(key: LoadKey, by: number): void {
    increment(this.runningApps, key.appId, by);
    increment(this.runningEndpoints, endpointKey(key), by);
  }
}
