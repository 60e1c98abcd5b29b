// `sluice/protocol`: for people who write a backend or speak the wire protocol themselves.
// The event union, its encodings (SSE, ASCII-only JSON), the error codes, the event-log and
// request-queue ports with their memory backends, and the conformance suites every backend
// passes.
export { EVENT_TYPES, isSupersedable, isTerminal } from './events/event-types.js';
export type {
  ErrorPayload,
  EventType,
  ImagePayload,
  ImagePreview,
  LogLevel,
  LogPayload,
  LoggedEvent,
  NewEvent,
  PreviewPayload,
  ProgressPayload,
  StreamEvent,
  SupersedableEventType,
  TerminalEventType,
} from './events/event-types.js';
export { toAsciiJson } from './events/ascii-json.js';
export { encodeSseComment, encodeSseFrame, encodeSseFrames, groupForWrites } from './events/sse.js';
export { WIRE_DIALECTS, isWireDialect } from './events/dialects/wire-dialect.js';
export type { WireDialect } from './events/dialects/wire-dialect.js';
export {
  encodeDialectFrame,
  encodeDialectFrames,
  encodeStreamFailure,
} from './events/dialects/dialect-frames.js';
export { typedJson } from './events/dialects/typed-frame.js';
export {
  DEFAULT_BINARY_TYPE,
  binaryOfJson,
  binaryPayload,
  isBytes,
  toPackedPayload,
} from './events/binary-payload.js';
export type { BinaryPayload, Bytes, DecodedBinary } from './events/binary-payload.js';
export { DEFAULT_EVENT_LOG_LIMITS } from './events/event-log.js';
export type {
  AppendOptions,
  AppendRefusal,
  AppendResult,
  EventBatch,
  EventLog,
  EventLogLimits,
  RequestLookup,
  RequestRecord,
} from './events/event-log.js';
export { MemoryEventLog } from './events/memory-event-log.js';
export { nextBatch, readCursor } from './events/read-cursor.js';
export { LightAbortSignal } from './events/wait-signal.js';
export type { WaitSignal } from './events/wait-signal.js';
export type { CursorOptions } from './events/read-cursor.js';
export { MemoryRequestQueue } from './dispatch/memory-request-queue.js';
export type { QueueEntry, QueuedRequest, RequestQueue } from './dispatch/request-queue.js';
export { SluiceError, toSluiceError } from './errors/sluice-error.js';
export type { ErrorBody, FieldError } from './errors/sluice-error.js';
export { ERROR_STATUS, httpStatusOf, isErrorCode, isRetryable } from './errors/error-codes.js';
export type { ErrorCode } from './errors/error-codes.js';
export { describeEventLogConformance } from './events/conformance/event-log-conformance.js';
export type { MakeEventLog } from './events/conformance/event-log-conformance.js';
export { describeRequestQueueConformance } from './dispatch/request-queue-conformance.js';
export type { QueueFactory } from './dispatch/request-queue-conformance.js';
export type {
  ConformanceAssertion,
  ConformanceHarness,
} from './events/conformance/conformance-harness.js';
