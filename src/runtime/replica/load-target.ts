import { isApp, type App } from '../../app/define-app.js';
import { isWorkerClass, workerApp } from '../distributed/distributed-worker.js';
import { importUserModule } from './import-user-module.js';
import type { ReplicaTarget } from './replica-protocol.js';

/**
 * Imports what a replica serves and returns it as an app.
 *
 * @example
 * const app = await loadTarget({ kind: 'app', moduleUrl, appId: 'demo/text' });
 */
export async function loadTarget(target: ReplicaTarget): Promise<App> {
  const exports = await importUserModule(target.moduleUrl);
  if (target.kind === 'app') {
    const app = Object.values(exports).find(
      (value): value is App => isApp(value) && value.id === target.appId,
    );
    if (!app) throw new Error(`${target.moduleUrl} exports no app ${target.appId}`);
    return app;
  }
  const WorkerClass = exports[target.exportName];
  if (!isWorkerClass(WorkerClass)) {
    throw new Error(`${target.moduleUrl} exports no DistributedWorker as ${target.exportName}`);
  }
  return workerApp(WorkerClass);
}
