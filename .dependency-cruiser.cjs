/**
 * Which folder of src/ may import which: the architecture as a checked rule
 * (`npm run lint:architecture`, part of `npm test`). The allowed imports form a DAG, so
 * no two folders can import each other.
 *
 *   errors  <- events <- app <- runtime <- dispatch <- cluster <- cli
 *                                 redis (backends: ports only) <- cluster
 *   server: app, events, errors, runtime, dispatch; Redis only through a dynamic import
 *   client: errors, and types of events and app; nothing of the server
 */
const allowed = {
  errors: [],
  events: ['errors'],
  app: ['errors', 'events'],
  runtime: ['errors', 'events', 'app'],
  dispatch: ['errors', 'events', 'app', 'runtime'],
  redis: ['errors', 'events', 'dispatch'],
  cluster: ['errors', 'events', 'app', 'runtime', 'dispatch', 'redis'],
  server: ['errors', 'events', 'app', 'runtime', 'dispatch'],
  client: ['errors', 'events', 'app'],
};

const folders = Object.keys(allowed);

/** One rule per folder: it imports nothing of src/ outside the folders it may. */
const folderRules = folders.map((folder) => ({
  name: `${folder}-imports`,
  comment: `src/${folder}/ may import only ${allowed[folder].join(', ') || 'nothing else of src/'}`,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: {
    path: '^src/',
    pathNot: [`^src/${folder}/`, ...allowed[folder].map((other) => `^src/${other}/`)],
    dependencyTypesNot: folder === 'server' ? ['dynamic-import', 'type-only'] : [],
  },
}));

const HTTP = '^(node:)?(http|https|http2|net)$|^fastify|^@fastify/|^ws$';
const REDIS = '^(ioredis|bullmq)$';

module.exports = {
  forbidden: [
    ...folderRules,
    {
      name: 'no-circular',
      comment: 'No module imports itself through others',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'core-knows-no-http',
      comment:
        'events/, app/, runtime/, dispatch/, the backends and the cluster know no HTTP (a replica ' +
        'writes to its parent through a net.Socket on an inherited pipe, not a network socket)',
      severity: 'error',
      from: {
        path: '^src/(events|app|runtime|dispatch|redis|cluster|errors)/',
        pathNot: '^src/runtime/replica/replica-channel\\.ts$',
      },
      to: { path: HTTP, dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer'] },
    },
    {
      name: 'core-knows-no-redis',
      comment: 'Only redis/ and cluster/ talk to Redis',
      severity: 'error',
      from: { path: '^src/(events|app|runtime|dispatch|server|client|errors)/' },
      to: { path: REDIS },
    },
    {
      name: 'client-is-portable',
      comment: 'client/ runs in browsers: no Node built-ins, and only types of app/ and events/',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'client-takes-types-of-app-and-events',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/(app|events)/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    skipAnalysisNotInRules: true,
  },
};
