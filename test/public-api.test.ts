import { describe, expect, it } from 'vitest';
import * as sluice from '../src/index.js';

describe('the public API', () => {
  it('exports exactly these names (a change here is an API change: review it)', () => {
    expect(Object.keys(sluice).sort()).toMatchInlineSnapshot(`
      [
        "BullRequestQueue",
        "DEFAULT_COLLECTIVE_TIMEOUT_MS",
        "DEFAULT_EVENT_LOG_LIMITS",
        "DEFAULT_PREFIX",
        "DEFAULT_WEBHOOK_POLICY",
        "DistributedRunner",
        "DistributedWorker",
        "ERROR_STATUS",
        "EVENT_TYPES",
        "InlineRuntime",
        "MemoryEventLog",
        "MemoryRequestQueue",
        "RedisEventLog",
        "RedisHub",
        "SluiceError",
        "createCollectives",
        "createGateway",
        "createMemoryTransports",
        "createRuntime",
        "createThrottle",
        "defineApp",
        "encodePreview",
        "encodeSseComment",
        "encodeSseFrame",
        "encodeSseFrames",
        "groupForWrites",
        "handleStrayErrors",
        "httpStatusOf",
        "isApp",
        "isErrorCode",
        "isRetryable",
        "isSupersedable",
        "isTerminal",
        "nextBatch",
        "readCursor",
        "soloCollectives",
        "startWorkerNode",
        "toAsciiJson",
        "toSluiceError",
      ]
    `);
  });
});
