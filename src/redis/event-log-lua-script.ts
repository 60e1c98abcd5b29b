import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

type Argument = string | number;

/**
 * A Lua script run by `EVALSHA`, falling back to `EVAL` when Redis does not know it (a fresh
 * or restarted server). A NOSCRIPT answer means nothing ran, so the fallback never runs it twice.
 *
 * @example
 * const script = new LuaScript('return redis.call("GET", KEYS[1])');
 * await script.run(hub.command, [key], []);
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(
    connection: Redis,
    keys: readonly string[],
    args: readonly Argument[],
  ): Promise<unknown> {
    try {
      return await connection.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return connection.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
