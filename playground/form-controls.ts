import { element } from './dom.js';
import type { FieldSpec } from './form-fields.js';
import { describeBounds } from './schema-bounds.js';

/** The element that edits one field. */
export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function optionLabel(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function selectControl(field: FieldSpec): HTMLSelectElement {
  const select = element('select', { name: field.name, id: `field-${field.name}` });
  const hasDefault = 'default' in field.schema;
  if (!field.required && !hasDefault) select.append(element('option', { value: '' }, '(none)'));
  field.options.forEach((option, index) => {
    const selected = hasDefault && option === field.schema.default;
    select.append(element('option', { value: String(index), selected }, optionLabel(option)));
  });
  return select;
}

/**
 * The control of a field, holding the schema's default: a select, a checkbox, a number input
 * with its bounds, a text input or a text area.
 *
 * @example
 * const control = inputControl(stepsField); // <input type="number" min="1" max="200">
 */
export function inputControl(field: FieldSpec): Control {
  const { schema, name } = field;
  const id = `field-${name}`;
  const initial = schema.default;
  switch (field.kind) {
    case 'select':
      return selectControl(field);
    case 'boolean':
      return element('input', { type: 'checkbox', name, id, checked: initial === true });
    case 'integer':
    case 'number':
      return element('input', {
        type: 'number',
        name,
        id,
        min: schema.minimum ?? schema.exclusiveMinimum,
        max: schema.maximum ?? schema.exclusiveMaximum,
        step: field.kind === 'integer' ? 1 : 'any',
        value: typeof initial === 'number' ? initial : undefined,
      });
    case 'string':
      return element('input', { type: 'text', name, id, value: stringDefault(initial) });
    case 'text':
      return textarea(name, stringDefault(initial));
    case 'json':
      return textarea(name, initial === undefined ? '' : JSON.stringify(initial, null, 2));
  }
}

function stringDefault(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function textarea(name: string, value: string): HTMLTextAreaElement {
  const node = element('textarea', { name, id: `field-${name}`, rows: 3 });
  node.value = value;
  return node;
}

/**
 * A field's row: label with name, type and required mark, the control, description,
 * bounds, and the slot its error message goes in.
 *
 * @example
 * fields.append(fieldRow(field, control, slot));
 */
export function fieldRow(field: FieldSpec, control: Control, slot: HTMLElement): HTMLElement {
  const type = field.kind === 'select' ? 'enum' : field.kind === 'text' ? 'string' : field.kind;
  return element(
    'div',
    { class: `field field-${field.kind}`, 'data-field': field.name },
    element(
      'label',
      { for: control.id },
      element('span', { class: 'field-name' }, field.name),
      field.required ? element('span', { class: 'required', title: 'required' }, '*') : null,
      element('span', { class: 'field-type' }, type),
    ),
    control,
    field.schema.description
      ? element('p', { class: 'field-description' }, field.schema.description)
      : null,
    element('p', { class: 'field-constraints' }, describeBounds(field.schema)),
    slot,
  );
}

/**
 * Puts a value back into a field's control (a run's input, restored): the inverse of
 * reading it. A value the control cannot hold leaves it as it is.
 *
 * @example
 * fillControl(stepsField, control, 20);
 */
export function fillControl(field: FieldSpec, control: Control, value: unknown): void {
  switch (field.kind) {
    case 'select': {
      const index = field.options.findIndex(
        (option) => JSON.stringify(option) === JSON.stringify(value),
      );
      if (index >= 0) control.value = String(index);
      return;
    }
    case 'boolean':
      (control as HTMLInputElement).checked = value === true;
      return;
    case 'json':
      control.value = value === undefined ? '' : JSON.stringify(value, null, 2);
      return;
    case 'integer':
    case 'number':
    case 'string':
    case 'text':
      control.value = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  }
}
