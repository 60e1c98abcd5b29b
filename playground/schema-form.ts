import type { SchemaNode } from './catalog.js';
import { element } from './dom.js';
import { fieldRow, fillControl, inputControl, type Control } from './form-controls.js';
import { fieldMessage } from './field-messages.js';
import { fieldsOf, type FieldSpec } from './form-fields.js';

/** What the form holds: the input to send, and each field's problem (empty when valid). */
export interface FormReading {
  readonly input: Record<string, unknown>;
  readonly errors: ReadonlyMap<string, string>;
}

/** A form rendered from an endpoint's input schema. */
export interface SchemaForm {
  readonly fields: HTMLElement;
  /** Reads the current values; `check` also validates them as the server would. */
  readonly read: (check: boolean) => FormReading;
  /** Shows each message next to its field and clears the others. */
  readonly showErrors: (errors: ReadonlyMap<string, string>) => void;
  /** Puts an input back in the form (fields it does not name keep their values). */
  readonly fill: (input: Readonly<Record<string, unknown>>) => void;
}

const INVALID_JSON = 'Invalid JSON';

type Value = { readonly value: unknown } | { readonly error: string };

function valueOf(field: FieldSpec, control: Control): Value {
  const raw = control.value;
  switch (field.kind) {
    case 'boolean':
      return { value: (control as HTMLInputElement).checked };
    case 'select':
      return { value: raw === '' ? undefined : field.options[Number(raw)] };
    case 'integer':
    case 'number':
      return { value: raw.trim() === '' ? undefined : Number(raw) };
    case 'string':
    case 'text':
      return {
        value: raw === '' && !field.required && !('default' in field.schema) ? undefined : raw,
      };
    case 'json':
      return parseJson(raw);
  }
}

function parseJson(raw: string): Value {
  if (raw.trim() === '') return { value: undefined };
  try {
    return { value: JSON.parse(raw) as unknown };
  } catch {
    return { error: INVALID_JSON };
  }
}

/**
 * Renders an input form from a JSON Schema: numbers with their bounds, enums as selects,
 * booleans as checkboxes, long strings as text areas, anything else as JSON.
 *
 * @example
 * const form = renderSchemaForm(endpoint.input_schema);
 * formElement.prepend(form.fields);
 */
export function renderSchemaForm(schema: SchemaNode): SchemaForm {
  const entries = fieldsOf(schema).map((field) => ({
    field,
    control: inputControl(field),
    slot: element('p', { class: 'field-error', 'data-field-error': field.name, role: 'alert' }),
  }));
  const fields = element('div', { class: 'fields' });
  for (const { field, control, slot } of entries) fields.append(fieldRow(field, control, slot));
  const read = (check: boolean): FormReading => {
    const input: Record<string, unknown> = {};
    const errors = new Map<string, string>();
    for (const { field, control } of entries) {
      const value = valueOf(field, control);
      if ('error' in value) {
        errors.set(field.name, value.error);
        continue;
      }
      if (value.value !== undefined) input[field.name] = value.value;
      const message = check ? fieldMessage(field, value.value) : undefined;
      if (message !== undefined) errors.set(field.name, message);
    }
    return { input, errors };
  };
  const showErrors = (errors: ReadonlyMap<string, string>) => {
    for (const { field, control, slot } of entries) {
      const message = errors.get(field.name) ?? '';
      slot.textContent = message;
      control.toggleAttribute('aria-invalid', message !== '');
    }
  };
  const fill = (input: Readonly<Record<string, unknown>>) => {
    for (const { field, control } of entries)
      if (Object.hasOwn(input, field.name)) fillControl(field, control, input[field.name]);
  };
  return { fields, read, showErrors, fill };
}
