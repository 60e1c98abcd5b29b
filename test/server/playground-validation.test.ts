import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { fieldMessage } from '../../playground/field-messages.js';
import { fieldsOf } from '../../playground/form-fields.js';
import type { SchemaNode } from '../../playground/catalog.js';
import progressiveImageApp from '../../examples/progressive-image.js';
import textApp from '../../examples/text.js';
import { prepareInputSchema } from '../../src/app/input-schema.js';
import { toJsonSchema } from '../../src/app/json-schema.js';

const CANDIDATES: readonly unknown[] = [
  undefined,
  -1,
  0,
  0.5,
  1,
  1.5,
  2,
  3,
  5,
  6,
  64,
  200,
  201,
  1024,
  1025,
  2 ** 32,
  '',
  'a',
  'ab',
  'abcd',
  'x'.repeat(2001),
  'x',
  'y',
  'z',
  true,
  false,
  null,
];

/** zod's first message for `name` when parsing an input that sets only that field. */
function zodMessage(schema: z.ZodType, name: string, value: unknown): string | undefined {
  const input = value === undefined ? {} : { [name]: value };
  const parsed = prepareInputSchema(schema).safeParse(input);
  return parsed.error?.issues.find((issue) => issue.path[0] === name)?.message;
}

function compareWithZod(schema: z.ZodType): number {
  const fields = fieldsOf(toJsonSchema(schema, 'input'));
  let compared = 0;
  for (const field of fields) {
    for (const value of CANDIDATES) {
      expect({ field: field.name, value, message: fieldMessage(field, value) }).toEqual({
        field: field.name,
        value,
        message: zodMessage(schema, field.name, value),
      });
      compared += 1;
    }
  }
  return compared;
}

describe("the playground's field messages are the server's", () => {
  it('for every field of the example apps and many values', () => {
    for (const app of [progressiveImageApp, textApp])
      for (const endpoint of app.endpoints.values())
        expect(compareWithZod(endpoint.input)).toBeGreaterThan(100);
  });

  it('for enums, literals, booleans, exclusive bounds and required fields', () => {
    const schema = z.object({
      sampler: z.enum(['euler', 'ddim']).describe('Sampler'),
      mode: z.literal('x'),
      tiled: z.boolean(),
      strength: z.number().gt(0).lt(1),
      name: z.string().min(2).max(3),
      count: z.number().int().min(1).max(5).optional(),
      flag: z.boolean().default(false),
    });
    expect(compareWithZod(schema)).toBe(7 * CANDIDATES.length);
  });

  it('reads kinds from the schema: enums become selects, booleans checkboxes, long strings text areas', () => {
    const schema = z.object({
      sampler: z.enum(['euler', 'ddim']),
      tiled: z.boolean(),
      prompt: z.string().max(2000),
      title: z.string().max(80),
      steps: z.number().int(),
      scale: z.number(),
      tags: z.array(z.string()),
    });
    const kinds = fieldsOf(toJsonSchema(schema, 'input') as SchemaNode).map((field) => field.kind);
    expect(kinds).toEqual(['select', 'boolean', 'text', 'string', 'integer', 'number', 'json']);
  });
});
