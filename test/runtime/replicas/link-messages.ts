import type { LinkMessage } from '../../../src/runtime/replica/link-batch.js';

/** A replica's messages, as the link sees them: a kind, events, and more. */
export type SampleMessage = LinkMessage & Record<string, unknown>;

/**
 * A turn's messages: events of two runs (multi-byte UTF-8 among them), a message without
 * events between them, and one with none.
 */
export const sampleMessages: SampleMessage[] = [
  { kind: 'append', runId: 1, events: [{ type: 'output', json: '{"a":1}' }] },
  { kind: 'finished', runId: 2 },
  {
    kind: 'append',
    runId: 2,
    events: [
      { type: 'progress', json: '{"step":1,"total":2}' },
      { type: 'result', json: `"héllo ✓ ${'x'.repeat(300)} 🌊"` },
    ],
  },
  { kind: 'append', runId: 3, events: [] },
];
