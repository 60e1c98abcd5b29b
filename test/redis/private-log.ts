import { APPENDED_CHANNEL } from '../../src/redis/event-log-keys.js';
import { RedisEventLog } from '../../src/redis/redis-event-log.js';
import { RedisHub } from '../../src/redis/redis-hub.js';
import { deletePrefix, uniquePrefix } from '../support/redis.js';

/** How long a wait that should stay pending is watched. */
export const PENDING_MS = 50;
/** Bounds every wait that should end, so a lost wake-up fails an assertion. */
export const DEADLINE_MS = 10_000;

/**
 * A log on its own hub, on a server private to the test (so its connections and command
 * counts are the test's own); `publish` sends a raw message on the append channel.
 *
 * @example
 * await using opened = await openLogOn(redis.url);
 */
export async function openLogOn(url: string) {
  const prefix = uniquePrefix();
  const hub = await RedisHub.connect({ url, prefix });
  const log = new RedisEventLog(hub);
  return {
    hub,
    log,
    publish: (message: string) => hub.command.publish(hub.channel(APPENDED_CHANNEL), message),
    [Symbol.asyncDispose]: async () => {
      await log.close();
      await hub.close();
      await deletePrefix(prefix, url);
    },
  };
}
