// `sluice/redis`: scale-out. A worker node that runs apps for gateways on Redis (a gateway
// goes to Redis with `createGateway({ redis })` from `sluice/server`), and the Redis
// backends of the event-log and queue ports.
export { startWorkerNode } from './worker-node.js';
export type { WorkerNode, WorkerNodeOptions } from './worker-node.js';
export type { RedisModeOptions } from './redis-backends.js';
export { RedisHub, DEFAULT_PREFIX } from '../redis/redis-hub.js';
export type { RedisBackendOptions } from '../redis/redis-hub.js';
export { RedisEventLog } from '../redis/redis-event-log.js';
export type { RedisEventLogOptions } from '../redis/redis-event-log.js';
export { BullRequestQueue } from '../redis/bull-request-queue.js';
export type { BullQueueOptions } from '../redis/bull-request-queue.js';
