import type { SchemaNode } from './catalog.js';

/** zod bounds every integer by the safe range; those bounds say nothing to a reader. */
const SAFE = Number.MAX_SAFE_INTEGER;

function characters(count: number): string {
  return count === 1 ? '1 character' : `${count} characters`;
}

/**
 * A schema's bounds and default for people: `≥ 1, ≤ 200, default 16`.
 *
 * @example
 * describeBounds({ type: 'integer', minimum: 1, maximum: 200, default: 16 });
 */
export function describeBounds(schema: SchemaNode): string {
  const parts: string[] = [];
  if (schema.minimum !== undefined && schema.minimum > -SAFE) parts.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined && schema.maximum < SAFE) parts.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) parts.push(`< ${schema.exclusiveMaximum}`);
  if (schema.minLength !== undefined) parts.push(`at least ${characters(schema.minLength)}`);
  if (schema.maxLength !== undefined) parts.push(`at most ${characters(schema.maxLength)}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}
