import { SluiceError } from '../errors/sluice-error.js';
import type { AppStatus, ReplicaStatus, Runtime } from '../runtime/runtime.js';
import type { RunOutcome } from '../runtime/execute-run.js';
import type { WorkerInfo } from './worker-registry.js';

/** A worker as one replica of an app; a failed setup's text only as `lastError`. */
function workerReplica(worker: WorkerInfo, appId: string, replica: number): ReplicaStatus {
  const app = worker.apps[appId]!;
  const base = { replica, state: app.state, pids: [worker.pid], running: app.running, restarts: 0 };
  if (app.state !== 'failed') return base;
  return { ...base, reason: 'setup failed', ...(app.error ? { lastError: app.error } : {}) };
}

/**
 * The runtime a Redis gateway reports: the remote workers, each shown as one replica of
 * every app it serves. It executes nothing; workers take requests from the queue.
 *
 * @example
 * const runtime = new RemoteRuntime(() => catalog.workers);
 * runtime.status('demo/text'); // { state: 'ready', replicas: [...] }
 */
export class RemoteRuntime implements Runtime {
  constructor(private readonly workers: () => readonly WorkerInfo[]) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  status(appId: string): AppStatus {
    const serving = this.workers().filter((worker) => worker.apps[appId]);
    const replicas = serving.map((worker, replica) => workerReplica(worker, appId, replica));
    if (replicas.some((replica) => replica.state === 'ready')) return { state: 'ready', replicas };
    if (replicas.length > 0 && replicas.every((replica) => replica.state === 'failed')) {
      const error = replicas.find((replica) => replica.lastError)?.lastError;
      return { state: 'failed', reason: 'setup failed', ...(error ? { error } : {}), replicas };
    }
    // No worker yet: requests wait in the queue for one.
    return { state: 'starting', replicas };
  }

  capacity(appId: string): number {
    let total = 0;
    for (const worker of this.workers()) {
      const app = worker.apps[appId];
      if (app) total += app.capacity ?? Infinity;
    }
    return total;
  }

  execute(): Promise<RunOutcome> {
    return Promise.reject(new SluiceError('internal', 'A Redis gateway runs nothing itself'));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
