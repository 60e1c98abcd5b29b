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
export type { AppStatus, Runtime, RuntimeJob } from './runtime/inline-runtime.js';
export { handleStrayErrors } from './runtime/stray-errors.js';
