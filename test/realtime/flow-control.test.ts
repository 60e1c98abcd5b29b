import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApp } from '../../src/app/define-app.js';
import { resolveRealtimeOptions } from '../../src/app/realtime-options.js';
import { InputGate } from '../../src/server/realtime/input-gate.js';
import { startGateway } from '../support/gateway.js';
import { isResult, openProbe } from './realtime-support.js';

/** Holds each run until the test releases it, so inputs pile up deterministically. */
function gatedApp(options: Parameters<typeof resolveRealtimeOptions>[0]) {
  const releases: (() => void)[] = [];
  const started: number[] = [];
  const app = defineApp({
    id: 'rt/gated',
    input: z.object({ x: z.number() }),
    async run({ x }) {
      started.push(x);
      await new Promise<void>((resolve) => releases.push(resolve));
      return { x };
    },
    realtime: options,
  });
  const waitForStarts = async (count: number) => {
    while (started.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { app, releases, started, waitForStarts };
}

describe('the input gate (pure)', () => {
  it('runs one at a time and keeps only the newest waiting input', () => {
    const gate = new InputGate<string>({ maxInFlight: 1, bufferSize: 1 });
    expect(gate.offer('a').start).toBe('a');
    expect(gate.offer('b').start).toBeUndefined();
    expect(gate.offer('c').start).toBeUndefined();
    expect(gate.offer('d').start).toBeUndefined();
    expect(gate.takeDropped()).toBe(2);
    expect(gate.finish()).toBe('d');
    expect(gate.finish()).toBeUndefined();
    expect(gate.idle).toBe(true);
  });

  it('runs up to maxInFlight at once', () => {
    const gate = new InputGate<number>({ maxInFlight: 2, bufferSize: 0 });
    expect([gate.offer(1).start, gate.offer(2).start, gate.offer(3).start]).toEqual([
      1,
      2,
      undefined,
    ]);
    expect(gate.takeDropped()).toBe(1);
  });

  it('refuses options out of bounds, naming them', () => {
    expect(() => resolveRealtimeOptions({ maxInFlight: 0 })).toThrow(/realtime.maxInFlight/);
    expect(resolveRealtimeOptions(undefined)).toMatchObject({ maxInFlight: 1, bufferSize: 1 });
  });
});

describe('flow control over a real connection', () => {
  it('drops the oldest waiting inputs and tells the client how many', async () => {
    const { app, releases, started, waitForStarts } = gatedApp({});
    await using gateway = await startGateway({ apps: [app] });
    await using probe = await openProbe(`${gateway.url}/rt/gated/realtime`);
    probe.sendJson({ x: 1 });
    await waitForStarts(1);
    for (const x of [2, 3, 4, 5]) probe.sendJson({ x });
    await new Promise((resolve) => setTimeout(resolve, 100)); // all four reached the gate
    releases.shift()!();
    expect(await probe.next(isResult)).toMatchObject({ x: 1 });
    await waitForStarts(2);
    const dropped = await probe.next((message) => 'dropped' in message);
    expect(dropped).toMatchObject({ type: 'x-fal-message', dropped: 3 });
    releases.shift()!();
    const latest = await probe.next(isResult);
    expect(latest).toMatchObject({ x: 5 });
    expect(dropped.request_id).toBe(latest.request_id);
    expect(started).toEqual([1, 5]);
  });

  it('runs maxInFlight inputs of one connection at once', async () => {
    const { app, releases, waitForStarts } = gatedApp({ maxInFlight: 2 });
    await using gateway = await startGateway({ apps: [app] });
    await using probe = await openProbe(`${gateway.url}/rt/gated/realtime`);
    probe.sendJson({ x: 1 });
    probe.sendJson({ x: 2 });
    await waitForStarts(2);
    releases.splice(0).forEach((release) => release());
    await probe.next(isResult);
    await probe.next(isResult);
  });

  it('waits on many inputs of one connection at once without a listener-leak warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const { app, releases, waitForStarts } = gatedApp({ maxInFlight: 16 });
      await using gateway = await startGateway({ apps: [app] });
      await using probe = await openProbe(`${gateway.url}/rt/gated/realtime`);
      for (let x = 1; x <= 16; x++) probe.sendJson({ x });
      await waitForStarts(16);
      releases.splice(0).forEach((release) => release());
      for (let x = 1; x <= 16; x++) await probe.next(isResult);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual(
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('closes a connection idle past its timeout with 1000', async () => {
    const { app } = gatedApp({ idleTimeoutMs: 50 });
    await using gateway = await startGateway({ apps: [app] });
    await using probe = await openProbe(`${gateway.url}/rt/gated/realtime`);
    expect(await probe.closed).toEqual({ code: 1000, reason: 'idle timeout' });
  });

  it('keeps a connection open past its idle timeout while a run is going', async () => {
    const { app, releases, waitForStarts } = gatedApp({ idleTimeoutMs: 30 });
    await using gateway = await startGateway({ apps: [app] });
    await using probe = await openProbe(`${gateway.url}/rt/gated/realtime`);
    probe.sendJson({ x: 1 });
    await waitForStarts(1);
    await new Promise((resolve) => setTimeout(resolve, 120));
    releases.shift()!();
    expect(await probe.next(isResult)).toMatchObject({ x: 1 });
  });

  it('counts the idle timeout from the end of the last run, not from before it', async () => {
    const { app, releases, waitForStarts } = gatedApp({ idleTimeoutMs: 200 });
    await using gateway = await startGateway({ apps: [app] });
    await using probe = await openProbe(`${gateway.url}/rt/gated/realtime`);
    probe.sendJson({ x: 1 });
    await waitForStarts(1);
    // The idle check runs at 200 ms and finds the run going; the run ends at 250 ms.
    await new Promise((resolve) => setTimeout(resolve, 250));
    releases.shift()!();
    await probe.next(isResult);
    const answeredAt = performance.now();
    expect(await probe.closed).toEqual({ code: 1000, reason: 'idle timeout' });
    // Timers never fire early: a full timeout after the answer (at the check's pace, 150 ms).
    expect(performance.now() - answeredAt).toBeGreaterThanOrEqual(190);
  });

  it('closes with 1009 past the largest message', async () => {
    const { app } = gatedApp({ maxMessageBytes: 1024 });
    await using gateway = await startGateway({ apps: [app] });
    await using probe = await openProbe(`${gateway.url}/rt/gated/realtime`);
    probe.sendJson({ x: 1, pad: 'y'.repeat(2048) });
    expect((await probe.closed).code).toBe(1009);
  });

  it('drops a peer that stops answering pings', async () => {
    const { app } = gatedApp({ pingIntervalMs: 30 });
    await using gateway = await startGateway({ apps: [app] });
    // autoPong off: this client never answers, as a vanished peer would not.
    await using probe = await openProbe(`${gateway.url}/rt/gated/realtime`, { autoPong: false });
    expect((await probe.closed).code).toBe(1006);
  });

  it('answers pings: a live peer stays connected', async () => {
    const { app } = gatedApp({ pingIntervalMs: 200 });
    await using gateway = await startGateway({ apps: [app] });
    await using probe = await openProbe(`${gateway.url}/rt/gated/realtime`);
    let pings = 0;
    probe.socket.on('ping', () => pings++);
    for (let wait = 0; pings < 3 && wait < 500; wait++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pings).toBe(3);
    expect(probe.socket.readyState).toBe(probe.socket.OPEN);
  });
});
