export { defineApp, isApp } from './app/define-app.js';
export type { App, AppOptions, ServedEndpoint } from './app/define-app.js';
export type {
  AppId,
  EndpointDefinition,
  PreviewOptions,
  RunContext,
  RunFunction,
  RunResult,
} from './app/app-types.js';
export { createThrottle } from './app/throttle.js';
export type { Throttle, ThrottleOptions } from './app/throttle.js';
export { encodePreview } from './app/preview.js';
export type { PreviewSource, RawImage } from './app/preview.js';
export { SluiceError, toSluiceError } from './errors/sluice-error.js';
export type { ErrorBody, FieldError } from './errors/sluice-error.js';
export { ERROR_STATUS, httpStatusOf, isErrorCode, isRetryable } from './errors/error-codes.js';
export type { ErrorCode } from './errors/error-codes.js';
export { EVENT_TYPES, isSupersedable, isTerminal } from './events/event-types.js';
export type {
  ErrorPayload,
  EventType,
  ImagePayload,
  LogLevel,
  LogPayload,
  LoggedEvent,
  NewEvent,
  PreviewPayload,
  ProgressPayload,
} from './events/event-types.js';
export { DEFAULT_EVENT_LOG_LIMITS } from './events/event-log.js';
export type {
  AppendOptions,
  AppendResult,
  EventBatch,
  EventLog,
  EventLogLimits,
  RequestLookup,
  RequestRecord,
} from './events/event-log.js';
export { MemoryEventLog } from './events/memory-event-log.js';
export { nextBatch, readCursor } from './events/read-cursor.js';
export type { CursorOptions } from './events/read-cursor.js';
export { toAsciiJson } from './events/ascii-json.js';
export { encodeSseComment, encodeSseFrame, encodeSseFrames, groupForWrites } from './events/sse.js';
export { createGateway } from './server/create-gateway.js';
export type { Gateway, GatewayOptions, ListenOptions } from './server/create-gateway.js';
export { InlineRuntime } from './runtime/inline-runtime.js';
export type { AppStatus, Runtime, RuntimeJob } from './runtime/runtime.js';
export { handleStrayErrors } from './runtime/stray-errors.js';
export { createRuntime } from './runtime/create-runtime.js';
export type { RuntimeApp } from './runtime/create-runtime.js';
export type { RuntimeOverrides } from './runtime/placement.js';
export type { ReplicaStatus } from './runtime/runtime.js';
export type { EndpointLimits } from './app/app-types.js';
export type { Isolation, Placement } from './app/define-app.js';
export { DistributedRunner } from './runtime/distributed/distributed-runner.js';
export type {
  DistributedRunnerOptions,
  RunnerCallOptions,
  RunnerEvent,
} from './runtime/distributed/distributed-runner.js';
export { DistributedWorker } from './runtime/distributed/distributed-worker.js';
export {
  createCollectives,
  DEFAULT_COLLECTIVE_TIMEOUT_MS,
} from './runtime/collectives/create-collectives.js';
export type {
  CreateCollectivesOptions,
  GroupCollectives,
} from './runtime/collectives/create-collectives.js';
export { soloCollectives } from './runtime/collectives/collectives.js';
export type { Collectives, RankTransport } from './runtime/collectives/collectives.js';
export { createMemoryTransports } from './runtime/collectives/memory-transports.js';
export type { MemoryTransportOptions } from './runtime/collectives/memory-transports.js';
export type {
  CollectiveOptions,
  MapOptions,
  MapTarget,
  Reducible,
  ReduceOperation,
  RootedCollectiveOptions,
  StarmapOptions,
  TypedArray,
} from './app/app-types.js';
export type { ChildRuns, ChildTarget } from './runtime/child-runs.js';
export { MemoryRequestQueue } from './dispatch/memory-request-queue.js';
export type { QueueEntry, RequestQueue } from './dispatch/request-queue.js';
export { DEFAULT_WEBHOOK_POLICY } from './dispatch/webhook-delivery.js';
export type { WebhookBody, WebhookPolicy } from './dispatch/webhook-delivery.js';
export type { DefaultLimits } from './dispatch/tracked-request.js';
export type { QueuedRequest } from './dispatch/request-queue.js';
export type { RequestDispatch, RequestProgress } from './dispatch/request-dispatch.js';
export { startWorkerNode } from './cluster/worker-node.js';
export type { WorkerNode, WorkerNodeOptions } from './cluster/worker-node.js';
export type { RedisModeOptions } from './cluster/redis-backends.js';
export { RedisHub, DEFAULT_PREFIX } from './redis/redis-hub.js';
export type { RedisBackendOptions } from './redis/redis-hub.js';
export { RedisEventLog } from './redis/redis-event-log.js';
export type { RedisEventLogOptions } from './redis/redis-event-log.js';
export { BullRequestQueue } from './redis/bull-request-queue.js';
export type { BullQueueOptions } from './redis/bull-request-queue.js';
