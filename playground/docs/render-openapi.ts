import type { SchemaNode } from '../catalog.js';
import { element } from '../dom.js';
import { inlineMarkdown } from './markdown.js';
import { schemaTable, type RefResolver } from './schema-table.js';

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: SchemaNode;
}

interface MediaTypes {
  readonly content?: Readonly<Record<string, { readonly schema?: SchemaNode }>>;
}

interface Operation {
  readonly summary?: string;
  readonly description?: string;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: MediaTypes;
  readonly responses?: Readonly<Record<string, MediaTypes & { readonly description?: string }>>;
}

/** The parts of an OpenAPI 3.1 document the docs page renders. */
export interface OpenApiDocument {
  readonly info?: { readonly title?: string; readonly version?: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, SchemaNode>> };
}

/** An event stream's body: one table per event type (`event:` name and its `data`). */
function eventSchemas(schema: SchemaNode, resolve: RefResolver): HTMLElement {
  const kinds = (schema.oneOf ?? []).map((variant) =>
    element(
      'div',
      { class: 'event-kind', 'data-event': variant.title ?? '' },
      element('h5', {}, element('code', {}, `event: ${variant.title ?? 'message'}`)),
      variant.description ? element('p', {}, ...inlineMarkdown(variant.description)) : null,
      schemaTable(variant, resolve),
    ),
  );
  return element(
    'div',
    { class: 'event-schemas' },
    schema.description ? element('p', {}, ...inlineMarkdown(schema.description)) : null,
    ...kinds,
  );
}

function mediaSection(title: string, media: MediaTypes, resolve: RefResolver): HTMLElement[] {
  return Object.entries(media.content ?? {}).map(([type, { schema }]) =>
    element(
      'div',
      { class: 'media' },
      element('h4', {}, title, ' ', element('code', {}, type)),
      schema === undefined
        ? null
        : type === 'text/event-stream' && schema.oneOf
          ? eventSchemas(schema, resolve)
          : schemaTable(schema, resolve),
    ),
  );
}

function anchorOf(method: string, path: string): string {
  return `${method}-${path}`
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/** The table of contents: every operation, grouped by its first two path segments (the app). */
function tableOfContents(
  routes: readonly { method: string; path: string; operation: Operation }[],
) {
  const groups = new Map<string, HTMLElement[]>();
  for (const { method, path, operation } of routes) {
    const segments = path.split('/').filter(Boolean);
    const group =
      segments[0] === 'queue'
        ? `${segments[1]}/${segments[2]} (queue)`
        : `${segments[0]}/${segments[1]}`;
    const item = element(
      'li',
      {},
      element(
        'a',
        { href: `#${anchorOf(method, path)}` },
        element('span', { class: 'method' }, method.toUpperCase()),
        path,
      ),
      operation.summary ? element('span', { class: 'toc-summary' }, ` ${operation.summary}`) : null,
    );
    groups.set(group, [...(groups.get(group) ?? []), item]);
  }
  return element(
    'nav',
    { class: 'toc', 'data-testid': 'toc', 'aria-label': 'Contents' },
    element('h2', {}, 'Contents'),
    ...[...groups].map(([group, items]) =>
      element(
        'details',
        { open: true },
        element('summary', {}, group),
        element('ul', {}, ...items),
      ),
    ),
  );
}

function parametersTable(parameters: readonly Parameter[]): HTMLElement {
  const rows = parameters.map((parameter) =>
    element(
      'tr',
      {},
      element('td', {}, element('code', {}, parameter.name), parameter.required ? ' *' : ''),
      element('td', {}, parameter.in),
      element('td', {}, element('code', {}, String(parameter.schema?.type ?? 'any'))),
    ),
  );
  return element('table', { class: 'schema-table' }, element('tbody', {}, ...rows));
}

function operationSection(
  route: { readonly method: string; readonly path: string; readonly operation: Operation },
  resolve: RefResolver,
): HTMLElement {
  const { method, path, operation } = route;
  const responses = Object.entries(operation.responses ?? {}).map(([status, response]) =>
    element(
      'li',
      {},
      element('strong', {}, status),
      ' ',
      ...inlineMarkdown(response.description ?? ''),
      ...(status.startsWith('2') ? mediaSection('Body', response, resolve) : []),
    ),
  );
  return element(
    'section',
    {
      class: 'operation',
      id: anchorOf(method, path),
      'data-operation': `${method.toUpperCase()} ${path}`,
    },
    element('h3', {}, element('span', { class: 'method' }, method.toUpperCase()), path),
    operation.summary ? element('p', {}, ...inlineMarkdown(operation.summary)) : null,
    operation.description
      ? element('p', { class: 'description' }, ...inlineMarkdown(operation.description))
      : null,
    operation.parameters?.length ? parametersTable(operation.parameters) : null,
    ...(operation.requestBody ? mediaSection('Request body', operation.requestBody, resolve) : []),
    element('h4', {}, 'Responses'),
    element('ul', {}, ...responses),
  );
}

/**
 * The API docs of an OpenAPI document: every operation with its parameters, request body
 * schema and responses. No third-party renderer, nothing fetched but the document.
 *
 * @example
 * document.body.append(renderOpenApi(await (await fetch('/openapi.json')).json()));
 */
export function renderOpenApi(document: OpenApiDocument): HTMLElement {
  const schemas = document.components?.schemas ?? {};
  const resolve: RefResolver = (ref) => schemas[ref.replace('#/components/schemas/', '')];
  const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
  );
  const operations = routes.map((route) => operationSection(route, resolve));
  return element(
    'main',
    { 'data-testid': 'api-docs' },
    element('h1', {}, document.info?.title ?? 'API'),
    element(
      'p',
      {},
      'Runs need an ',
      element('code', {}, 'Authorization: Key <key>'),
      ' header when the server has keys. Errors answer ',
      element('code', {}, '{detail, error_type, code}'),
      '. The machine-readable document is at ',
      element('a', { href: '/openapi.json' }, '/openapi.json'),
      '.',
    ),
    tableOfContents(routes),
    ...operations,
  );
}
