import { element } from './dom.js';
import { extensionOf, type ImageRef } from './images.js';

/**
 * The one image of a run: the latest preview, replaced in place, then the result's image
 * in the same place (never the same picture twice). Download and a full-size view.
 *
 * @example
 * const panel = new ImagePanel();
 * panel.showPreview(preview);
 * panel.showResult(resultImage);
 */
export class ImagePanel {
  private readonly image = element('img', { alt: 'Latest preview', 'data-testid': 'preview' });
  private readonly caption = element('span', { class: 'image-caption' });
  private readonly download = element(
    'a',
    { class: 'button', download: 'preview.jpg', 'data-testid': 'download' },
    'Download',
  );
  private readonly fullSize = element(
    'button',
    { type: 'button', 'data-testid': 'full-size' },
    'Full size',
  );
  private readonly dialogImage = element('img', { alt: 'Full-size image' });
  private readonly dialog = element(
    'dialog',
    { class: 'full-size', 'data-testid': 'full-size-view' },
    this.dialogImage,
    element('form', { method: 'dialog' }, element('button', {}, 'Close')),
  );
  readonly element = element(
    'figure',
    { class: 'image-panel', 'data-testid': 'image-panel', hidden: true },
    this.image,
    element('figcaption', {}, this.caption, this.download, this.fullSize),
    this.dialog,
  );
  private count = 0;

  constructor() {
    this.fullSize.addEventListener('click', () => {
      this.dialogImage.src = this.image.src;
      this.dialog.showModal();
    });
    this.dialog.addEventListener('click', (event) => {
      if (event.target === this.dialog) this.dialog.close();
    });
  }

  clear(): void {
    this.element.hidden = true;
    this.image.removeAttribute('src');
    this.image.dataset.testid = 'preview';
    this.image.alt = 'Latest preview';
    this.count = 0;
  }

  /** The image now shown (its `data:` URL), for a history thumbnail. */
  get current(): HTMLImageElement | undefined {
    return this.image.getAttribute('src') ? this.image : undefined;
  }

  showPreview(image: ImageRef): void {
    this.count += 1;
    this.image.dataset.count = String(this.count);
    this.show(image, `Preview ${this.count}`, 'preview');
  }

  showResult(image: ImageRef): void {
    this.image.dataset.testid = 'result-image';
    this.image.alt = 'Result image';
    this.show(image, 'Result', 'result');
  }

  private show(image: ImageRef, caption: string, name: string): void {
    this.image.src = image.url;
    this.caption.textContent = caption;
    this.download.href = image.url;
    this.download.download = `${name}.${extensionOf(image.content_type)}`;
    this.element.hidden = false;
  }
}
