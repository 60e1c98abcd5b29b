import type { SchemaNode } from '../catalog.js';
import { describeBounds } from '../schema-bounds.js';
import { element } from '../dom.js';
import { inlineMarkdown } from './markdown.js';

/** Resolves `#/components/schemas/Name` references of one OpenAPI document. */
export type RefResolver = (ref: string) => SchemaNode | undefined;

function typeLabel(schema: SchemaNode): string {
  if (schema.$ref !== undefined) return schema.$ref.split('/').at(-1) ?? schema.$ref;
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants !== undefined) return variants.map(typeLabel).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum !== undefined)
    return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.type === 'array') return `${schema.items ? typeLabel(schema.items) : 'any'}[]`;
  if (Array.isArray(schema.type)) return (schema.type as string[]).join(' | ');
  return typeof schema.type === 'string' ? schema.type : 'any';
}

function propertyRow(
  name: string,
  schema: SchemaNode,
  context: { required: boolean; resolve: RefResolver },
): HTMLTableRowElement {
  const nested = schema.properties === undefined ? null : schemaTable(schema, context.resolve);
  return element(
    'tr',
    {},
    element('td', {}, element('code', {}, name), context.required ? ' *' : ''),
    element('td', {}, element('code', {}, typeLabel(schema))),
    element('td', {}, describeBounds(schema)),
    element('td', {}, ...inlineMarkdown(schema.description ?? ''), nested),
  );
}

/**
 * A schema as a table of its properties (type, constraints and defaults, description),
 * nested objects inside; a schema without properties as its type alone.
 *
 * @example
 * section.append(schemaTable(inputSchema, resolve));
 */
export function schemaTable(schema: SchemaNode, resolve: RefResolver): HTMLElement {
  const target = schema.$ref === undefined ? schema : (resolve(schema.$ref) ?? schema);
  if (target.properties === undefined)
    return element('p', {}, 'Type: ', element('code', {}, typeLabel(schema)));
  const required = new Set(target.required ?? []);
  const rows = Object.entries(target.properties).map(([name, property]) =>
    propertyRow(name, property, { required: required.has(name), resolve }),
  );
  return element(
    'table',
    { class: 'schema-table' },
    element(
      'thead',
      {},
      element(
        'tr',
        {},
        ...['Field', 'Type', 'Bounds', 'Description'].map((label) => element('th', {}, label)),
      ),
    ),
    element('tbody', {}, ...rows),
  );
}
