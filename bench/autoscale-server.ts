/**
 * The gateway of `bench/autoscale.ts`, as a child process: the cold and the warm autoscaled
 * apps, whose replica processes it forks, so they share the core it is pinned to.
 */
import { createRuntime } from '../src/runtime/create-runtime.js';
import { createGateway } from '../src/server/create-gateway.js';
import { coldApp, warmApp } from './autoscale-apps.js';
import { serveCommands } from './serve-commands.js';

const MODULE = new URL('./autoscale-apps.ts', import.meta.url).href;

const runtime = createRuntime([
  { app: coldApp, moduleUrl: MODULE },
  { app: warmApp, moduleUrl: MODULE },
]);
await runtime.start();
const gateway = await createGateway({ apps: [coldApp, warmApp], runtime, logger: false });
const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
serveCommands(url, () => gateway.close());
