import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../src/events/event-types.js';
import { EventChannel } from '../../../src/runtime/distributed/event-channel.js';

const output = (index: number): NewEvent => ({ type: 'output', json: String(index) });

describe("DistributedRunner's event channel", () => {
  it('holds a bounded number of unread events: appends wait for the reader, then go on in order', async () => {
    const channel = new EventChannel();
    let appended = 0;
    const writer = (async () => {
      for (let index = 0; index < 1_000; index++) {
        await channel.sink([output(index)]);
        appended++;
      }
      channel.end();
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(appended).toBeLessThanOrEqual(256); // waiting for a reader, not buffering all 1,000
    const read: string[] = [];
    for await (const event of channel) read.push(event.json);
    await writer;
    expect(read).toEqual(Array.from({ length: 1_000 }, (_, index) => String(index)));
  });

  it('end() releases appends still waiting, so a run never hangs on a reader that left', async () => {
    const channel = new EventChannel();
    const appends = Array.from({ length: 300 }, (_, index) => channel.sink([output(index)]));
    channel.end();
    await expect(Promise.all(appends)).resolves.toHaveLength(300);
  });
});
