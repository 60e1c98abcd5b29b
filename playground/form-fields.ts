import type { SchemaNode } from './catalog.js';

/** How a field is edited. */
export type FieldKind = 'integer' | 'number' | 'string' | 'text' | 'boolean' | 'select' | 'json';

/** One top-level input field, read from the endpoint's JSON Schema. */
export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly schema: SchemaNode;
  /** The allowed values of a `select`. */
  readonly options: readonly unknown[];
}

/** Strings longer than this get a textarea. */
const LONG_TEXT = 200;

function typeOf(schema: SchemaNode): string | undefined {
  return Array.isArray(schema.type) ? (schema.type as string[])[0] : (schema.type as string);
}

function optionsOf(schema: SchemaNode): readonly unknown[] {
  if (schema.enum !== undefined) return schema.enum;
  if ('const' in schema) return [schema.const];
  return [];
}

function kindOf(schema: SchemaNode): FieldKind {
  if (optionsOf(schema).length > 0) return 'select';
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number' || type === 'boolean') return type;
  if (type === 'string') return (schema.maxLength ?? Infinity) > LONG_TEXT ? 'text' : 'string';
  return 'json';
}

/**
 * The fields of an object input schema, in the schema's order. A schema that is not an
 * object becomes one `json` field named `input`.
 *
 * @example
 * fieldsOf({ type: 'object', properties: { steps: { type: 'integer' } } })[0]?.kind; // 'integer'
 */
export function fieldsOf(schema: SchemaNode): FieldSpec[] {
  if (schema.properties === undefined) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    kind: kindOf(property),
    required: required.has(name),
    schema: property,
    options: optionsOf(property),
  }));
}
