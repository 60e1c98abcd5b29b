// `sluice`: what an app author imports. Light on purpose: no server, queue, Redis or metrics
// code loads from here (sharp loads on the first preview). The other audiences have their
// own entry points: `sluice/server`, `sluice/redis`, `sluice/client`, `sluice/protocol`.
export { defineApp } from './app/define-app.js';
export type { App, AppOptions, Isolation, Placement, ReplicaScale } from './app/define-app.js';
export type {
  AppId,
  CollectiveOptions,
  EmitOptions,
  EndpointDefinition,
  EndpointLimits,
  MapOptions,
  MapTarget,
  PreviewOptions,
  ProgressDetails,
  Reducible,
  ReduceOperation,
  RootedCollectiveOptions,
  RunContext,
  RunFunction,
  RunResult,
  StarmapOptions,
  TypedArray,
} from './app/app-types.js';
export type {
  ChildEvent,
  ChildEventType,
  ChildStream,
  ChildStreamOptions,
} from './app/child-stream-types.js';
export type { RealtimeOptions } from './app/realtime-options.js';
export type { PrepareFunction } from './app/app-types.js';
export type {
  BatchContext,
  BatchOptions,
  CacheOptions,
  EnterStateContext,
  RunBatchFunction,
  SyncPathOptions,
} from './app/sync-path-types.js';
export { chatText } from './app/chat-view.js';
export type { ChatFinish, ChatMessage, ChatRequest, ChatUsage, ChatView } from './app/chat-view.js';
export { createThrottle } from './app/throttle.js';
export type { Throttle, ThrottleOptions } from './app/throttle.js';
export { encodePreview } from './app/preview.js';
export type { PreviewSource, RawImage } from './app/preview.js';
export { SluiceError } from './errors/sluice-error.js';
export type { FieldError, SluiceErrorOptions } from './errors/sluice-error.js';
export type { ErrorCode } from './errors/error-codes.js';
export type { EventType, LogLevel, PreviewPayload } from './events/event-types.js';
export type { WireDialect } from './events/dialects/wire-dialect.js';
export { DistributedWorker } from './runtime/distributed/distributed-worker.js';
export type { StreamingResultOptions } from './runtime/distributed/distributed-worker.js';
