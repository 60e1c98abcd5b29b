/**
 * How an endpoint's realtime (WebSocket) view paces one connection. Every field has a
 * default; see docs/realtime.md for what each one does on the wire.
 *
 * @example
 * defineApp({ id: 'demo/sketch', input, run, realtime: { maxInFlight: 2, live: true } });
 */
export interface RealtimeOptions {
  /** Inputs of one connection running at once (default 1). */
  readonly maxInFlight?: number;
  /** Inputs that wait while the app is busy; past it the oldest is dropped (default 1). */
  readonly bufferSize?: number;
  /** A connection with no input and nothing running for this long is closed (default 5 min). */
  readonly idleTimeoutMs?: number;
  /** Largest message in, in bytes; a larger one closes the connection with 1009 (default 1 MiB). */
  readonly maxMessageBytes?: number;
  /** A ping every this many ms; a peer that has not answered the last one is dropped (default 30 s). */
  readonly pingIntervalMs?: number;
  /** Bytes the socket may hold unsent before stream events wait and are skipped latest-wins (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  /** Offer the playground's live mode for this endpoint: each change of an input is sent at once. */
  readonly live?: boolean;
}

/** {@link RealtimeOptions} with every default applied. */
export type RealtimeSettings = Required<RealtimeOptions>;

const MIB = 1024 * 1024;

/** The defaults of {@link RealtimeOptions}. */
export const REALTIME_DEFAULTS: RealtimeSettings = {
  maxInFlight: 1,
  bufferSize: 1,
  idleTimeoutMs: 5 * 60_000,
  maxMessageBytes: MIB,
  pingIntervalMs: 30_000,
  maxBufferedBytes: MIB,
  live: false,
};

const BOUNDS: Readonly<Record<Exclude<keyof RealtimeSettings, 'live'>, [number, number]>> = {
  maxInFlight: [1, 1000],
  bufferSize: [0, 1000],
  idleTimeoutMs: [10, 24 * 60 * 60_000],
  maxMessageBytes: [64, 256 * MIB],
  pingIntervalMs: [10, 60 * 60_000],
  maxBufferedBytes: [1024, 1024 * MIB],
};

/**
 * Applies the defaults to an endpoint's realtime options; a value out of bounds or not an
 * integer throws a `TypeError` naming the option.
 *
 * @example
 * resolveRealtimeOptions({ bufferSize: 4 }).maxInFlight; // 1
 */
export function resolveRealtimeOptions(options: RealtimeOptions | undefined): RealtimeSettings {
  const settings = { ...REALTIME_DEFAULTS, ...options };
  for (const [name, [low, high]] of Object.entries(BOUNDS)) {
    const value = settings[name as keyof typeof BOUNDS];
    if (!Number.isInteger(value) || value < low || value > high)
      throw new TypeError(`realtime.${name} must be an integer from ${low} to ${high}`);
  }
  if (typeof settings.live !== 'boolean') throw new TypeError('realtime.live must be a boolean');
  return settings;
}
