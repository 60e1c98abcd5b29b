/**
 * Inline markdown of descriptions as DOM nodes: `code`, **bold**, *emphasis* and
 * [links](https://…) (http, https and relative links only). Anything else stays text;
 * nothing is parsed as HTML.
 *
 * @example
 * paragraph.append(...inlineMarkdown('Use `steps` from **1** to 200'));
 */
export function inlineMarkdown(text: string): Node[] {
  const nodes: Node[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    nodes.push(nodeOf(match));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function nodeOf(match: RegExpMatchArray): Node {
  const [whole, code, bold, emphasis, label, href] = match;
  if (code !== undefined) return withText('code', code);
  if (bold !== undefined) return withText('strong', bold);
  if (emphasis !== undefined) return withText('em', emphasis);
  if (label !== undefined && href !== undefined && /^(https?:\/\/|\/|#)/.test(href)) {
    const link = withText('a', label) as HTMLAnchorElement;
    link.href = href;
    return link;
  }
  return document.createTextNode(whole);
}

function withText(tag: string, text: string): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}
