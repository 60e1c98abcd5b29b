// `sluice/server`: serving apps. The gateway and its options, the runtimes that run apps
// in this process or in replica processes, worker groups and their collectives.
export { createGateway } from './create-gateway.js';
export { startTracing, tracingRequested } from './start-tracing.js';
export type { Tracing, TracingOptions } from './start-tracing.js';
export type { Gateway, GatewayOptions, ListenOptions } from './create-gateway.js';
export type { CorsPolicy } from './cors.js';
export { isApp } from '../app/define-app.js';
export type { ServedEndpoint } from '../app/define-app.js';
export { createRuntime } from '../runtime/create-runtime.js';
export type { RuntimeApp } from '../runtime/create-runtime.js';
export { InlineRuntime } from '../runtime/inline-runtime.js';
export type { AppStatus, ReplicaStatus, Runtime, RuntimeJob } from '../runtime/runtime.js';
export type { RuntimeOverrides } from '../runtime/placement.js';
export { handleStrayErrors } from '../runtime/stray-errors.js';
export type { ChildRuns, ChildTarget } from '../runtime/child-runs.js';
export { DistributedRunner } from '../runtime/distributed/distributed-runner.js';
export type {
  DistributedRunnerOptions,
  RunnerCallOptions,
  RunnerEvent,
  RunnerTextOptions,
} from '../runtime/distributed/distributed-runner.js';
export {
  createCollectives,
  DEFAULT_COLLECTIVE_TIMEOUT_MS,
} from '../runtime/collectives/create-collectives.js';
export type {
  CreateCollectivesOptions,
  GroupCollectives,
} from '../runtime/collectives/create-collectives.js';
export { soloCollectives } from '../runtime/collectives/collectives.js';
export type { Collectives, RankTransport } from '../runtime/collectives/collectives.js';
export { createMemoryTransports } from '../runtime/collectives/memory-transports.js';
export type { MemoryTransportOptions } from '../runtime/collectives/memory-transports.js';
export { DEFAULT_WEBHOOK_POLICY } from '../dispatch/webhook-delivery.js';
export type { WebhookBody, WebhookPolicy } from '../dispatch/webhook-delivery.js';
export type { DefaultLimits } from '../dispatch/tracked-request.js';
export type { RequestDispatch, RequestProgress } from '../dispatch/request-dispatch.js';
