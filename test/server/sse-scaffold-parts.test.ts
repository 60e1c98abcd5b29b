import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { OpenCount } from '../../src/server/sse-open-count.js';
import { SseStreams } from '../../src/server/sse-streams.js';

/** A response on a socket that never connects: enough to be tracked, nothing is sent. */
function unsentResponse(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

async function gaugeValue(gauge: Gauge): Promise<number> {
  return (await gauge.get()).values[0]?.value ?? 0;
}

describe('OpenCount', () => {
  it('is zero at once when nothing is open', async () => {
    const count = new OpenCount();
    expect(count.size).toBe(0);
    expect(await count.whenZero(60_000)).toBe(true);
  });

  it('wakes every waiter when the last stream is released, not before', async () => {
    const count = new OpenCount();
    const releases = [count.open(), count.open()];
    const woken: boolean[] = [];
    const waits = [count.whenZero(60_000), count.whenZero(60_000)].map((wait) =>
      wait.then((zero) => woken.push(zero)),
    );
    releases[0]!();
    await Promise.resolve();
    expect(woken).toEqual([]);
    releases[1]!();
    await Promise.all(waits);
    expect(woken).toEqual([true, true]);
  });

  it('counts a release once however often it is called', () => {
    const count = new OpenCount();
    const first = count.open();
    count.open();
    first();
    first();
    expect(count.size).toBe(1);
  });

  it('answers false after the timeout while a stream stays open', async () => {
    const count = new OpenCount();
    count.open();
    expect(await count.whenZero(5)).toBe(false);
  });
});

describe('SseStreams', () => {
  function streams() {
    const gauge = new Gauge({ name: 'open', help: 'open', registers: [new Registry()] });
    return { gauge, streams: new SseStreams({ heartbeatMs: 60_000, gauge }) };
  }

  it('counts each tracked stream in the gauge and in the count, once', async () => {
    const { gauge, streams: open } = streams();
    const release = open.track(unsentResponse());
    open.track(unsentResponse());
    expect(open.size).toBe(2);
    expect(await gaugeValue(gauge)).toBe(2);
    release();
    release();
    expect(open.size).toBe(1);
    expect(await gaugeValue(gauge)).toBe(1);
    open.stop();
  });

  it('resolves allEnded when the last tracked stream is released', async () => {
    const { streams: open } = streams();
    const release = open.track(unsentResponse());
    const ended = open.allEnded(60_000);
    release();
    expect(await ended).toBe(true);
    open.stop();
  });
});
