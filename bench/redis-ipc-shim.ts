/**
 * Preloaded (`--import`) into the `sluice serve --redis` and `sluice worker` processes that
 * `bench/redis.ts` forks: they answer the parent's memory, clock and socket questions over
 * IPC as the benchmark's own servers do, and exit when the parent goes away.
 */
import { serveCommands } from './serve-commands.js';

serveCommands('cli', () => Promise.resolve());
