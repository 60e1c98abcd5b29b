import { describe, expect, it } from 'vitest';
import { typedFrame, typedJson } from '../../src/events/dialects/typed-frame.js';
import type { EventType } from '../../src/events/event-types.js';

const cases: [EventType, string][] = [
  ['output', '{"token":"hi"}'],
  ['output', '{}'],
  ['output', '"a token"'],
  ['output', '[1,2]'],
  ['output', '{"type":"mine","x":1}'],
  ['output', '{"nested":{"type":"deep"}}'],
  ['output', '{"error":"not ours"}'],
  ['preview', '{"image":{"url":"data:image/jpeg;base64,AA==","content_type":"image/jpeg"}}'],
  ['log', '{"level":"info","message":"loaded"}'],
  ['result', '{"image_b64":"aGVsbG8=","seed":7}'],
  ['result', '{"done":false}'],
  ['result', 'null'],
  ['progress', '{"step":5,"total":50,"progress":0.1}'],
  ['error', '{"code":"app_error","message":"The app raised Error","retryable":false}'],
];

describe('typedFrame, the spliced fast path', () => {
  it.each(cases)('renders %s %s exactly as typedJson does', (type, json) => {
    const frame = typedFrame({ type, json });
    expect(frame).toBe(`data: ${typedJson({ type, json })}\n\n`);
    const parsed = JSON.parse(frame.slice('data: '.length)) as { type: string };
    expect(parsed.type).toBe(type);
  });

  it('splices the type after the brace without touching the payload’s bytes', () => {
    expect(typedFrame({ type: 'output', json: '{"b":1,"a":"x\\u00e9"}' })).toBe(
      'data: {"type":"output","b":1,"a":"x\\u00e9"}\n\n',
    );
    expect(typedFrame({ type: 'result', json: '{"seed":7}' })).toBe(
      'data: {"type":"result","done":true,"seed":7}\n\n',
    );
  });
});
