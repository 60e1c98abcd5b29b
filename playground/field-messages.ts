import type { FieldSpec } from './form-fields.js';

// The messages below are zod 4's English messages, word for word, so a field shows the same
// text whether the browser or the server rejected it (test/server/playground-validation.test.ts
// checks them against zod).

function literal(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

function optionMessage(options: readonly unknown[]): string {
  if (options.length === 1) return `Invalid input: expected ${literal(options[0])}`;
  return `Invalid option: expected one of ${options.map(literal).join('|')}`;
}

function receivedType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}

function expectedType(field: FieldSpec): string {
  if (field.kind === 'integer') return 'number';
  if (field.kind === 'text') return 'string';
  return field.kind;
}

function numberMessage(field: FieldSpec, value: number): string | undefined {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = field.schema;
  if (field.kind === 'integer' && !Number.isInteger(value))
    return 'Invalid input: expected int, received number';
  if (minimum !== undefined && value < minimum)
    return `Too small: expected number to be >=${minimum}`;
  if (exclusiveMinimum !== undefined && value <= exclusiveMinimum)
    return `Too small: expected number to be >${exclusiveMinimum}`;
  if (maximum !== undefined && value > maximum)
    return `Too big: expected number to be <=${maximum}`;
  if (exclusiveMaximum !== undefined && value >= exclusiveMaximum)
    return `Too big: expected number to be <${exclusiveMaximum}`;
  return undefined;
}

function stringMessage(field: FieldSpec, value: string): string | undefined {
  const { minLength, maxLength } = field.schema;
  if (minLength !== undefined && value.length < minLength)
    return `Too small: expected string to have >=${minLength} characters`;
  if (maxLength !== undefined && value.length > maxLength)
    return `Too big: expected string to have <=${maxLength} characters`;
  return undefined;
}

/**
 * What the server would say about one field's value, or `undefined` if it is fine.
 * `undefined` as a value means the field was left empty (its default applies if it has one).
 *
 * @example
 * fieldMessage(stepsField, 500); // 'Too big: expected number to be <=200'
 */
export function fieldMessage(field: FieldSpec, value: unknown): string | undefined {
  if (value === undefined && !field.required) return undefined;
  if (field.kind === 'select')
    return field.options.includes(value) ? undefined : optionMessage(field.options);
  if (field.kind === 'json') return undefined;
  const expected = expectedType(field);
  const type = receivedType(value);
  if (type !== expected) return `Invalid input: expected ${expected}, received ${type}`;
  if (typeof value === 'number') return numberMessage(field, value);
  if (typeof value === 'string') return stringMessage(field, value);
  return undefined;
}
