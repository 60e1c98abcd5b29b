/** Attributes and properties for {@link element}; `on*` keys are not supported on purpose. */
export type ElementProps = Record<string, string | number | boolean | undefined>;

/** A child of {@link element}: a node, text, or nothing. */
export type Child = Node | string | undefined | null | false;

/**
 * Creates an element with attributes and children: the playground's whole DOM toolkit.
 * `true` sets an empty attribute, `false` and `undefined` leave it out.
 *
 * @example
 * element('button', { type: 'button', class: 'copy' }, 'Copy');
 */
export function element<Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  props: ElementProps = {},
  ...children: Child[]
): HTMLElementTagNameMap[Tag] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children)
    if (child !== undefined && child !== null && child !== false) node.append(child);
  return node;
}
