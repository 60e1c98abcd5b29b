import type { Redis } from 'ioredis';
import type { Metrics } from './scenarios/scenario.js';

const SCRIPT_COMMANDS = new Set(['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall']);

async function callsByCommand(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match !== null) calls.set(match[1]!.toLowerCase(), Number(match[2]));
  }
  return calls;
}

/**
 * Runs `measure` with Redis's command statistics reset first, then counts per event:
 * `scriptsPerEvent` (script runs) and `commandsPerEvent` (every command, those that
 * scripts call included, as `INFO commandstats` counts them). The `INFO` and `CONFIG`
 * calls of this function are left out.
 *
 * @example
 * await withCommandStats(redis, { events: 200_000, measure: () => measureThroughput(...) });
 */
export async function withCommandStats(
  redis: Redis,
  run: { readonly events: number; readonly measure: () => Promise<Metrics> },
): Promise<Metrics> {
  await redis.config('RESETSTAT');
  const metrics = await run.measure();
  let scripts = 0;
  let commands = 0;
  for (const [command, calls] of await callsByCommand(redis)) {
    if (command === 'info' || command === 'config') continue;
    commands += calls;
    if (SCRIPT_COMMANDS.has(command)) scripts += calls;
  }
  return {
    ...metrics,
    scriptsPerEvent: scripts / run.events,
    commandsPerEvent: commands / run.events,
  };
}
