import { beforeAll, describe, expect, it } from 'vitest';
import { typeExportsOf } from './support/entry-exports.js';

/** Each entry point of package.json `exports`, by the file it is built from. */
const ENTRY_FILES = {
  sluice: 'src/index.ts',
  'sluice/server': 'src/server/index.ts',
  'sluice/redis': 'src/cluster/index.ts',
  'sluice/client': 'src/client/index.ts',
  'sluice/protocol': 'src/protocol.ts',
} as const;

type Entry = keyof typeof ENTRY_FILES;

let typeExports: Map<string, string[]>;

beforeAll(() => {
  typeExports = typeExportsOf(Object.values(ENTRY_FILES));
}, 120_000);

/** An entry's public API: the values it exports at runtime, and the types it exports. */
async function surfaceOf(entry: Entry) {
  const module = (await import(/* @vite-ignore */ entry)) as Record<string, unknown>;
  return { values: Object.keys(module).sort(), types: typeExports.get(ENTRY_FILES[entry]) };
}

// A change in any of these snapshots is an API change: review it.
describe('the public API by entry point', () => {
  it('sluice: writing apps', async () => {
    expect(await surfaceOf('sluice')).toMatchInlineSnapshot(`
      {
        "types": [
          "App",
          "AppId",
          "AppOptions",
          "BatchContext",
          "BatchOptions",
          "CacheOptions",
          "ChatFinish",
          "ChatMessage",
          "ChatRequest",
          "ChatUsage",
          "ChatView",
          "ChildEvent",
          "ChildEventType",
          "ChildStream",
          "ChildStreamOptions",
          "CollectiveOptions",
          "EmitOptions",
          "EndpointDefinition",
          "EndpointLimits",
          "EnterStateContext",
          "ErrorCode",
          "EventType",
          "FieldError",
          "Isolation",
          "LogLevel",
          "MapOptions",
          "MapTarget",
          "Placement",
          "PrepareFunction",
          "PreviewOptions",
          "PreviewPayload",
          "PreviewSource",
          "ProgressDetails",
          "RawImage",
          "RealtimeOptions",
          "ReduceOperation",
          "Reducible",
          "ReplicaScale",
          "RootedCollectiveOptions",
          "RunBatchFunction",
          "RunContext",
          "RunFunction",
          "RunResult",
          "SluiceErrorOptions",
          "StarmapOptions",
          "StreamingResultOptions",
          "SyncPathOptions",
          "Throttle",
          "ThrottleOptions",
          "TypedArray",
          "WireDialect",
        ],
        "values": [
          "DistributedWorker",
          "SluiceError",
          "chatText",
          "createThrottle",
          "defineApp",
          "encodePreview",
        ],
      }
    `);
  });

  it('sluice/server: serving apps', async () => {
    expect(await surfaceOf('sluice/server')).toMatchInlineSnapshot(`
      {
        "types": [
          "AppStatus",
          "ChildRuns",
          "ChildTarget",
          "Collectives",
          "CorsPolicy",
          "CreateCollectivesOptions",
          "DefaultLimits",
          "DistributedRunnerOptions",
          "Gateway",
          "GatewayOptions",
          "GroupCollectives",
          "ListenOptions",
          "MemoryTransportOptions",
          "RankTransport",
          "ReplicaStatus",
          "RequestDispatch",
          "RequestProgress",
          "RunnerCallOptions",
          "RunnerEvent",
          "RunnerTextOptions",
          "Runtime",
          "RuntimeApp",
          "RuntimeJob",
          "RuntimeOverrides",
          "ServedEndpoint",
          "Tracing",
          "TracingOptions",
          "WebhookBody",
          "WebhookPolicy",
        ],
        "values": [
          "DEFAULT_COLLECTIVE_TIMEOUT_MS",
          "DEFAULT_WEBHOOK_POLICY",
          "DistributedRunner",
          "InlineRuntime",
          "createCollectives",
          "createGateway",
          "createMemoryTransports",
          "createRuntime",
          "handleStrayErrors",
          "isApp",
          "soloCollectives",
          "startTracing",
          "tracingRequested",
        ],
      }
    `);
  });

  it('sluice/redis: scale-out', async () => {
    expect(await surfaceOf('sluice/redis')).toMatchInlineSnapshot(`
      {
        "types": [
          "BullQueueOptions",
          "RedisBackendOptions",
          "RedisEventLogOptions",
          "RedisModeOptions",
          "WorkerNode",
          "WorkerNodeOptions",
        ],
        "values": [
          "BullRequestQueue",
          "DEFAULT_PREFIX",
          "RedisEventLog",
          "RedisHub",
          "startWorkerNode",
        ],
      }
    `);
  });

  it('sluice/client: calling apps', async () => {
    expect(await surfaceOf('sluice/client')).toMatchInlineSnapshot(`
      {
        "types": [
          "AppCatalog",
          "AppIdOf",
          "AttachOptions",
          "CallOptions",
          "CancelOptions",
          "ClientOptions",
          "DefaultCallOptions",
          "DefaultSubmitOptions",
          "EndpointCallOptions",
          "EndpointInputOf",
          "EndpointOutputOf",
          "EndpointPathOf",
          "ErrorBody",
          "ErrorCode",
          "ErrorData",
          "FieldError",
          "InputOf",
          "LogData",
          "OutputOf",
          "OutputTally",
          "PreviewData",
          "ProgressData",
          "ProgressFacts",
          "ProgressState",
          "QueueClient",
          "QueueLog",
          "QueueStatus",
          "QueueSubmitted",
          "QueueUrls",
          "RealtimeConnection",
          "RealtimeInfo",
          "RealtimeOptions",
          "ResultOptions",
          "RetryOptions",
          "SluiceClient",
          "SseMessage",
          "StatusOptions",
          "StreamEvent",
          "StreamEventType",
          "SubmitOptions",
          "SubscribeOptions",
          "TrackedEvent",
          "TrackedStatus",
          "WebSocketConstructor",
          "WebSocketLike",
        ],
        "values": [
          "EventStream",
          "SluiceError",
          "SseDecoder",
          "createClient",
          "formatDuration",
          "formatRate",
          "isSluiceError",
          "progressFacts",
          "startProgress",
          "trackEvent",
        ],
      }
    `);
  });

  it('sluice/protocol: writing a backend or a client of the wire protocol', async () => {
    expect(await surfaceOf('sluice/protocol')).toMatchInlineSnapshot(`
      {
        "types": [
          "AppendOptions",
          "AppendRefusal",
          "AppendResult",
          "BinaryPayload",
          "Bytes",
          "ConformanceAssertion",
          "ConformanceHarness",
          "CursorOptions",
          "DecodedBinary",
          "ErrorBody",
          "ErrorCode",
          "ErrorPayload",
          "EventBatch",
          "EventLog",
          "EventLogLimits",
          "EventType",
          "FieldError",
          "ImagePayload",
          "ImagePreview",
          "LogLevel",
          "LogPayload",
          "LoggedEvent",
          "MakeEventLog",
          "NewEvent",
          "PreviewPayload",
          "ProgressPayload",
          "QueueEntry",
          "QueueFactory",
          "QueuedRequest",
          "RequestLookup",
          "RequestQueue",
          "RequestRecord",
          "StreamEvent",
          "SupersedableEventType",
          "TerminalEventType",
          "WaitSignal",
          "WireDialect",
        ],
        "values": [
          "DEFAULT_BINARY_TYPE",
          "DEFAULT_EVENT_LOG_LIMITS",
          "ERROR_STATUS",
          "EVENT_TYPES",
          "LightAbortSignal",
          "MemoryEventLog",
          "MemoryRequestQueue",
          "SluiceError",
          "WIRE_DIALECTS",
          "binaryOfJson",
          "binaryPayload",
          "describeEventLogConformance",
          "describeRequestQueueConformance",
          "encodeDialectFrame",
          "encodeDialectFrames",
          "encodeSseComment",
          "encodeSseFrame",
          "encodeSseFrames",
          "encodeStreamFailure",
          "groupForWrites",
          "httpStatusOf",
          "isBytes",
          "isErrorCode",
          "isRetryable",
          "isSupersedable",
          "isTerminal",
          "isWireDialect",
          "nextBatch",
          "readCursor",
          "toAsciiJson",
          "toPackedPayload",
          "toSluiceError",
          "typedJson",
        ],
      }
    `);
  });
});
