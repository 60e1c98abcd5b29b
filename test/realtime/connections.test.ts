import { describe, expect, it } from 'vitest';
import { errorFromEvent } from '../../src/dispatch/terminal-outcome.js';
import { readTerminal } from '../../src/events/read-terminal.js';
import { startGateway } from '../support/gateway.js';
import { workLoop, workLoopApp } from '../support/test-apps.js';
import { doubleApp, isResult, openProbe, type RealtimeProbe } from './realtime-support.js';

const CONNECTIONS = 1_000;

describe('realtime connections', () => {
  it('a client that vanishes mid-run has its run cancelled after the grace period', async () => {
    await using gateway = await startGateway({ apps: [workLoopApp], cancelGraceMs: 200 });
    const probe = await openProbe(`${gateway.url}/test/work-loop/realtime?events=1`);
    const aborted = workLoop.aborted;
    probe.sendJson({});
    const { request_id: id } = await probe.next((message) => message.event === 'output');
    probe.socket.terminate(); // no close frame: the peer is simply gone
    await probe.closed;
    const terminal = await readTerminal(gateway.eventLog, String(id), AbortSignal.timeout(10_000));
    expect(terminal && errorFromEvent(terminal).code).toBe('cancelled');
    expect(workLoop.aborted).toBe(aborted + 1);
  });

  it(
    `serves ${CONNECTIONS} concurrent connections, each its own input and result`,
    { timeout: 60_000 },
    async () => {
      await using gateway = await startGateway({ apps: [doubleApp] });
      const url = `${gateway.url}/rt/double/realtime`;
      const probes: RealtimeProbe[] = [];
      try {
        for (let opened = 0; opened < CONNECTIONS; opened += 100)
          probes.push(...(await Promise.all(Array.from({ length: 100 }, () => openProbe(url)))));
        probes.forEach((probe, index) => probe.sendJson({ x: index }));
        const results = await Promise.all(probes.map((probe) => probe.next(isResult, 30_000)));
        expect(results.map((result) => result.doubled)).toEqual(
          probes.map((_probe, index) => index * 2),
        );
        expect(new Set(results.map((result) => result.request_id)).size).toBe(CONNECTIONS);
      } finally {
        await Promise.all(probes.map((probe) => probe[Symbol.asyncDispose]()));
      }
    },
  );
});
