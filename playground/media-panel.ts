import { element } from './dom.js';

/** A binary output as the JSON and SSE wire carry it. */
export interface BinaryOutput {
  readonly content_type: string;
  readonly data_base64: string;
}

/**
 * Whether an output is bytes (`{content_type, data_base64}`).
 *
 * @example
 * isBinaryOutput({ content_type: 'audio/wav', data_base64: 'UklGR…' }); // true
 */
export function isBinaryOutput(data: unknown): data is BinaryOutput {
  if (typeof data !== 'object' || data === null) return false;
  const { content_type, data_base64 } = data as Record<string, unknown>;
  return typeof content_type === 'string' && typeof data_base64 === 'string';
}

/** A short line for the output panel instead of the base64. */
export function describeBinary(output: BinaryOutput): string {
  const bytes = Math.floor((output.data_base64.replace(/=+$/, '').length * 3) / 4);
  return `[${output.content_type}, ${bytes.toLocaleString('en')} bytes]\n`;
}

/**
 * The run's audio or video: on its first binary output of such a type, an `<audio>` or
 * `<video>` element on the request's media view, which plays while the run goes on.
 *
 * @example
 * panel.show('audio/wav', Promise.resolve('/demo/melody/requests/abc/media'));
 */
export class MediaPanel {
  private player: HTMLMediaElement | undefined;
  readonly element = element(
    'section',
    { class: 'media', 'data-testid': 'media', hidden: true },
    element('h3', {}, 'Media'),
  );

  clear(): void {
    this.player?.remove();
    this.player = undefined;
    this.element.hidden = true;
  }

  /**
   * Starts the player once per run, if the content type is audio or video; its source is
   * set when the URL is ready (fetching a token may take a moment).
   */
  show(contentType: string, url: Promise<string> | undefined): void {
    if (this.player || url === undefined) return;
    const kind = contentType.split('/')[0];
    if (kind !== 'audio' && kind !== 'video') return;
    const player = element(kind, { controls: true, autoplay: true, preload: 'auto' });
    this.player = player;
    this.element.append(player);
    this.element.hidden = false;
    void url.then((src) => {
      if (this.player === player) player.src = src;
    });
  }
}
