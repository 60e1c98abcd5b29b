import { describe, expect, it } from 'vitest';
import type { ReplicaStatus } from '../../../src/runtime/runtime.js';
import { replicaEcho } from '../../fixtures/replica-echo.js';
import { getJson, lastData, startReplicaGateway, streamEvents } from './replica-harness.js';

interface ReadyBody {
  ready: boolean;
  apps: Record<string, { state: string; replicas?: ReplicaStatus[] }>;
}

describe('replica pool', () => {
  it('runs an app in its own process, after setup ran there once, and streams its events', async () => {
    await using gateway = await startReplicaGateway({ app: replicaEcho, file: 'replica-echo.ts' });
    const events = await streamEvents(`${gateway.url}/test/replica-echo/stream`, { n: 3 });
    expect(events.map((event) => event.event)).toEqual(['output', 'output', 'output', 'result']);
    const result = lastData<{ pid: number; setupPid: number; rank: number }>(events);
    expect(result.pid).not.toBe(process.pid);
    expect(result.setupPid).toBe(result.pid);
    expect(result.rank).toBe(0);
    expect(events.map((event) => event.id)).toEqual(['1', '2', '3', '4']);
  });

  it('shows each replica in /ready and /apps', async () => {
    await using gateway = await startReplicaGateway({
      app: replicaEcho,
      file: 'replica-echo.ts',
      overrides: { replicas: 2 },
    });
    const { status, body } = await getJson<ReadyBody>(`${gateway.url}/ready`);
    expect(status).toBe(200);
    const replicas = body.apps['test/replica-echo']?.replicas ?? [];
    expect(replicas.map((replica) => [replica.replica, replica.state])).toEqual([
      [0, 'ready'],
      [1, 'ready'],
    ]);
    expect(replicas.every((replica) => !('pids' in replica))).toBe(true);
    const operatorView = gateway.runtime.status('test/replica-echo').replicas ?? [];
    expect(new Set(operatorView.map((replica) => replica.pids[0])).size).toBe(2);
    const apps = await getJson<{ apps: Array<{ status: { replicas: ReplicaStatus[] } }> }>(
      `${gateway.url}/apps`,
    );
    expect(apps.body.apps[0]?.status.replicas).toHaveLength(2);
  });

  it('spreads concurrent runs over the least-loaded replicas', async () => {
    await using gateway = await startReplicaGateway({
      app: replicaEcho,
      file: 'replica-echo.ts',
      overrides: { replicas: 2, maxConcurrency: 2 },
    });
    expect(gateway.runtime.capacity('test/replica-echo')).toBe(4);
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        streamEvents(`${gateway.url}/test/replica-echo/stream`, { n: 2, delay_ms: 100 }),
      ),
    );
    const pids = runs.map((events) => lastData<{ pid: number }>(events).pid);
    const perPid = new Map<number, number>();
    for (const pid of pids) perPid.set(pid, (perPid.get(pid) ?? 0) + 1);
    expect([...perPid.values()]).toEqual([2, 2]);
  });

  it('runs arriving past capacity wait for a free slot', async () => {
    await using gateway = await startReplicaGateway({ app: replicaEcho, file: 'replica-echo.ts' });
    const runs = await Promise.all(
      Array.from({ length: 3 }, (_, index) =>
        streamEvents(`${gateway.url}/test/replica-echo/stream`, { n: index + 1, delay_ms: 20 }),
      ),
    );
    expect(runs.map((events) => events.at(-1)?.event)).toEqual(['result', 'result', 'result']);
    expect(runs.map((events) => events.length)).toEqual([2, 3, 4]);
  });
});
