import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';

/** Lets a test hold a run between its chunks: the run waits on `gate.next` before each later chunk. */
export const gate = { open: () => undefined as void, next: Promise.resolve() };

/** Re-arms the gate: the next run waits until the test calls `gate.open()`. */
export function armGate(): void {
  let open!: () => void;
  gate.next = new Promise<void>((resolve) => (open = resolve));
  gate.open = open;
}

/** Emits `chunks` chunks of `size` bytes (chunk i filled with i), as `audio/wav`; waits on the gate after the first. */
export const chunksApp = defineApp({
  id: 'demo/chunks',
  input: z.object({
    chunks: z.number().int().min(0).max(50).default(3),
    size: z.number().int().min(1).max(65_536).default(4),
  }),
  async run({ chunks, size }, ctx) {
    for (let index = 0; index < chunks; index++) {
      if (index === 1) await gate.next;
      ctx.emit(new Uint8Array(size).fill(index + 1), { contentType: 'audio/wav' });
      ctx.emit({ chunk: index }); // JSON outputs in between are not part of the media
    }
    return { chunks };
  },
});
