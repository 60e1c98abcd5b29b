import { z } from 'zod';
import { SluiceError, type FieldError } from '../errors/sluice-error.js';

/**
 * The schema sluice validates inputs with. A plain `z.object` (which would silently strip
 * unknown fields) becomes strict, so a misspelt field is an error rather than a default used
 * in its place; `z.looseObject` and `z.strictObject` are kept as the author wrote them.
 *
 * @example
 * prepareInputSchema(z.object({ steps: z.number() })); // rejects { steps: 1, stpes: 2 }
 */
export function prepareInputSchema(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject && schema.def.catchall === undefined) return schema.strict();
  return schema;
}

const MAX_MESSAGE_LENGTH = 200;
const MAX_KEY_LENGTH = 64;

function toFieldErrors(issue: z.core.$ZodIssue): FieldError[] {
  if (issue.code !== 'unrecognized_keys') return [toFieldError(issue, issue.path)];
  return issue.keys.map((key) =>
    toFieldError({ ...issue, message: 'Unknown field' }, [...issue.path, key]),
  );
}

function toFieldError(issue: z.core.$ZodIssue, path: readonly PropertyKey[]): FieldError {
  return {
    loc: [
      'body',
      ...path.map((part) =>
        typeof part === 'number' ? part : String(part).slice(0, MAX_KEY_LENGTH),
      ),
    ],
    msg: issue.message.slice(0, MAX_MESSAGE_LENGTH),
    type: issue.code,
  };
}

/**
 * Parses an input, applying the schema's defaults; throws `invalid_input` listing each
 * field's path and message.
 *
 * @example
 * const input = await parseInput(endpoint.input, body);
 */
export async function parseInput(schema: z.ZodType, value: unknown): Promise<unknown> {
  const parsed = await schema.safeParseAsync(value);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.flatMap(toFieldErrors);
  throw new SluiceError('invalid_input', 'The input is invalid', { fields });
}
