export { createClient } from './create-client.js';
export type { DefaultCallOptions, EndpointCallOptions, SluiceClient } from './sluice-client.js';
export { EventStream } from './event-stream.js';
export { SseDecoder } from './sse-decoder.js';
export type { SseMessage } from './sse-decoder.js';
export { SluiceError, isSluiceError } from '../errors/sluice-error.js';
export type { ErrorBody, FieldError } from '../errors/sluice-error.js';
export type { ErrorCode } from '../errors/error-codes.js';
export type {
  AttachOptions,
  CallOptions,
  CancelOptions,
  ClientOptions,
  ErrorData,
  LogData,
  PreviewData,
  ProgressData,
  RetryOptions,
  StreamEvent,
  StreamEventType,
} from './client-types.js';
export type {
  RealtimeConnection,
  RealtimeInfo,
  RealtimeOptions,
  WebSocketConstructor,
  WebSocketLike,
} from './realtime-types.js';
export type {
  AppCatalog,
  AppIdOf,
  EndpointInputOf,
  EndpointOutputOf,
  EndpointPathOf,
  InputOf,
  OutputOf,
} from './typed-apps.js';
export type { DefaultSubmitOptions, QueueClient } from './queue-client.js';
export type {
  QueueLog,
  QueueStatus,
  QueueSubmitted,
  QueueUrls,
  ResultOptions,
  StatusOptions,
  SubmitOptions,
  SubscribeOptions,
} from './queue-types.js';
export {
  formatDuration,
  formatRate,
  progressFacts,
  startProgress,
  trackEvent,
} from './progress-facts.js';
export type {
  OutputTally,
  ProgressFacts,
  ProgressState,
  TrackedEvent,
  TrackedStatus,
} from './progress-facts.js';
