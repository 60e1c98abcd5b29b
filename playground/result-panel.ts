import { copyButton } from './copy-button.js';
import { element } from './dom.js';
import { imagesIn, readableJson } from './images.js';

/**
 * The final output: its JSON pretty-printed with a Copy button, and any images after the
 * first (the image panel shows that one), or all of them where no image panel is
 * (`showsFirstImage`, the live mode).
 *
 * @example
 * const panel = new ResultPanel();
 * panel.show({ image: { url, content_type: 'image/jpeg' }, seed: 7 });
 */
export class ResultPanel {
  readonly element = element('section', { class: 'result', 'data-testid': 'result', hidden: true });

  constructor(private readonly options: { readonly showsFirstImage?: boolean } = {}) {}

  clear(): void {
    this.element.replaceChildren();
    this.element.hidden = true;
  }

  /** Shows the output; its first image is in the image panel unless `showsFirstImage`. */
  show(output: unknown): void {
    const images = imagesIn(output)
      .slice(this.options.showsFirstImage ? 0 : 1)
      .map((image) => element('img', { src: image.url, alt: 'Result image' }));
    const json = JSON.stringify(output, null, 2);
    this.element.replaceChildren(
      element(
        'h3',
        {},
        'Result',
        copyButton(() => json, 'Copy JSON'),
      ),
      element('div', { class: 'result-images' }, ...images),
      element('pre', { class: 'json', 'data-testid': 'result-json' }, readableJson(output)),
    );
    this.element.hidden = false;
  }
}
