import { copyButton } from './copy-button.js';
import { element } from './dom.js';
import { snippetsFor, type SnippetTarget } from './snippets.js';

/**
 * The snippets for the current input, each with a Copy button; `update` rewrites them as
 * the form changes.
 *
 * @example
 * const panel = new SnippetsPanel();
 * panel.update({ baseUrl: location.origin, appId, path, input });
 */
export class SnippetsPanel {
  private readonly list = element('div', { class: 'snippet-list' });
  readonly element = element(
    'section',
    { class: 'snippets' },
    element('h3', {}, 'Call it from code'),
    this.list,
  );

  update(target: SnippetTarget): void {
    const blocks = snippetsFor(target).map((snippet) =>
      element(
        'figure',
        { class: 'snippet', 'data-snippet': snippet.title },
        element(
          'figcaption',
          {},
          snippet.title,
          copyButton(() => snippet.code),
        ),
        element('pre', {}, element('code', {}, snippet.code)),
      ),
    );
    this.list.replaceChildren(...blocks);
  }
}
