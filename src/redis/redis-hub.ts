import { Redis } from 'ioredis';

/** Where the Redis backends live. */
export interface RedisBackendOptions {
  /** A Redis URL, e.g. `redis://127.0.0.1:6379/0`. */
  readonly url: string;
  /** Prefix of every key and channel sluice uses (default `sluice:`); one per deployment. */
  readonly prefix?: string;
  /** How long to wait for Redis at start before giving up (default 10 s). */
  readonly connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * A Redis URL fit for logs: its password replaced by `***`.
 *
 * @example
 * safeUrl('redis://user:secret@redis.internal:6379'); // 'redis://user:***@redis.internal:6379'
 */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unreadable Redis URL)';
  }
}

/** The default key prefix. */
export const DEFAULT_PREFIX = 'sluice:';

type Listener = (message: string) => void;

/**
 * A process's two Redis connections, shared by every Redis backend in it: one for
 * commands and one subscribed to sluice's channels. Channels are multiplexed: any number
 * of listeners share the one subscriber connection, so the connection count does not grow
 * with open streams. Commands wait while Redis is away (`maxRetriesPerRequest: null`) and
 * are sent once it is back; listeners of `onReconnect` re-read whatever they wait for.
 *
 * @example
 * const hub = await RedisHub.connect({ url: 'redis://127.0.0.1:6379', prefix: 'sluice:' });
 * const stop = hub.listen(hub.channel('cancel'), (requestId) => abort(requestId));
 * await hub.command.publish(hub.channel('cancel'), requestId);
 */
export class RedisHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly reconnectListeners = new Set<() => void>();
  private closed = false;

  /** The command connection. */
  readonly command: Redis;
  /** The key prefix, e.g. `sluice:`. */
  readonly prefix: string;
  /** The Redis URL, for backends that open connections of their own (BullMQ's blocking ones). */
  readonly url: string;
  private readonly subscriber: Redis;

  private constructor(
    connections: { readonly command: Redis; readonly subscriber: Redis },
    location: { readonly prefix: string; readonly url: string },
  ) {
    this.command = connections.command;
    this.subscriber = connections.subscriber;
    this.prefix = location.prefix;
    this.url = location.url;
    const { subscriber } = connections;
    subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
    // ioredis resubscribes by itself; what was published while it was away is lost, so
    // whoever waits must look again.
    subscriber.on('ready', () => {
      for (const listener of this.reconnectListeners) listener();
    });
  }

  /** Opens the two connections; resolves once both are ready. */
  static async connect(options: RedisBackendOptions): Promise<RedisHub> {
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    const command = openConnection(options.url, 'sluice-command');
    const subscriber = openConnection(options.url, 'sluice-subscriber');
    const hub = new RedisHub({ command, subscriber }, { prefix, url: options.url });
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new Error(`Could not reach Redis at ${safeUrl(options.url)} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
    });
    try {
      await Promise.race([Promise.all([command.ping(), subscriber.ping()]), gaveUp]);
    } catch (error) {
      await hub.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return hub;
  }

  /** A key under the prefix: `key('log', id)` is `sluice:log:<id>`. */
  key(...parts: readonly string[]): string {
    return this.prefix + parts.join(':');
  }

  /** A channel under the prefix. */
  channel(name: string): string {
    return `${this.prefix}channel:${name}`;
  }

  /** Calls `listener` with every message on `channel`; returns the function that stops it. */
  listen(channel: string, listener: Listener): () => void {
    let channelListeners = this.listeners.get(channel);
    if (!channelListeners) {
      channelListeners = new Set();
      this.listeners.set(channel, channelListeners);
      void this.subscriber.subscribe(channel).catch(() => undefined); // retried on reconnect
    }
    channelListeners.add(listener);
    let listening = true;
    return () => {
      if (!listening) return; // a second call must not touch a newer listener set
      listening = false;
      channelListeners.delete(listener);
      if (channelListeners.size > 0 || this.closed) return;
      this.listeners.delete(channel);
      void this.subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  /** Calls `listener` each time the subscriber connection is ready again after a loss. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** Closes both connections; pending commands fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.reconnectListeners.clear();
    await Promise.all([quit(this.command), quit(this.subscriber)]);
  }
}

/**
 * A connection that waits out Redis restarts: commands queue while it reconnects and are
 * sent (or re-sent, when unanswered) once it is back.
 *
 * @example
 * const connection = openConnection('redis://127.0.0.1:6379', 'sluice-worker');
 */
export function openConnection(url: string, name: string): Redis {
  const connection = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  });
  // ioredis reports every failed reconnect as an 'error' event; retries go on regardless.
  connection.on('error', () => undefined);
  return connection;
}

async function quit(connection: Redis): Promise<void> {
  if (connection.status !== 'ready') return connection.disconnect(); // quit would wait for Redis
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}
