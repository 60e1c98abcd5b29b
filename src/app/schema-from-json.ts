import { z } from 'zod';
import type { JsonSchema } from './json-schema.js';

function isNullSchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as JsonSchema).type === 'null';
}

/** `anyOf: [S, {type: 'null'}]`, zod's `nullable()` in JSON Schema: its `S`, else undefined. */
function nullableInner(schema: JsonSchema): JsonSchema | undefined {
  const members = schema.anyOf;
  if (!Array.isArray(members) || members.length !== 2) return undefined;
  const inner: unknown = members.find((member) => !isNullSchema(member));
  if (!members.some(isNullSchema) || typeof inner !== 'object' || inner === null) return undefined;
  return inner as JsonSchema;
}

function withAnnotations(schema: z.ZodType, json: JsonSchema): z.ZodType {
  let annotated = schema;
  if (typeof json.description === 'string') annotated = annotated.describe(json.description);
  return 'default' in json ? annotated.default(json.default as never) : annotated;
}

function objectSchema(json: JsonSchema): z.ZodType {
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(json.required) ? (json.required as string[]) : []);
  const shape = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => {
      const field = schemaFromJson(property);
      return [name, required.has(name) || 'default' in property ? field : field.optional()];
    }),
  );
  const object = json.additionalProperties === false ? z.strictObject(shape) : z.looseObject(shape);
  return withAnnotations(object, json);
}

/**
 * Rebuilds a zod schema from the JSON Schema zod wrote for it, so a gateway validates
 * inputs of apps it has not loaded with the same verdicts and messages as the app's own
 * schema. `z.fromJSONSchema` does the work, except where its answer would read
 * differently: a nullable field (a union in JSON Schema) becomes `nullable()` again and
 * an enum of numbers a `z.literal` again, so a wrong value says "expected number" or
 * "expected one of 2|4", as the original does, not "Invalid input".
 *
 * @example
 * const input = schemaFromJson(published.input);
 */
export function schemaFromJson(json: JsonSchema): z.ZodType {
  const inner = nullableInner(json);
  if (inner) return withAnnotations(schemaFromJson(inner).nullable(), json);
  if (Array.isArray(json.enum) && json.enum.every((value) => typeof value !== 'string'))
    return withAnnotations(z.literal(json.enum as z.core.util.Literal[]), json);
  if (json.type === 'object' && !('anyOf' in json) && !('oneOf' in json) && !('allOf' in json))
    return objectSchema(json);
  return z.fromJSONSchema(json);
}
