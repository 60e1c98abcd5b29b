import { describe, expect, it } from 'vitest';
import * as sluice from '../src/index.js';

describe('the public API', () => {
  it('exports exactly these names (a change here is an API change: review it)', () => {
    expect(Object.keys(sluice).sort()).toMatchInlineSnapshot(`
      [
        "DEFAULT_EVENT_LOG_LIMITS",
        "ERROR_STATUS",
        "EVENT_TYPES",
        "InlineRuntime",
        "MemoryEventLog",
        "SluiceError",
        "createGateway",
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
        "toAsciiJson",
        "toSluiceError",
      ]
    `);
  });
});
