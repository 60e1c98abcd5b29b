import { z } from 'zod';

/** A JSON Schema document, as zod produces it. */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of a zod schema: the input side (defaults are optional) or the output
 * side. Types JSON Schema cannot express become `{}` rather than failing discovery.
 *
 * @example
 * toJsonSchema(z.object({ steps: z.number().default(8) }), 'input');
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const document = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete document.$schema;
  return document;
}
