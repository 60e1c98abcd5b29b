/** The bytes of a canonical PCM WAV header. */
export const WAV_HEADER_BYTES = 44;

/** What a WAV header describes: 16-bit PCM. */
export interface PcmFormat {
  readonly sampleRate: number;
  readonly channels: number;
}

/**
 * A 44-byte WAV header for 16-bit PCM whose length is known before the first sample is
 * made: sent first, it lets a player start while the samples are still being computed, and
 * show the right duration from the start.
 *
 * @example
 * const header = wavHeader({ sampleRate: 22_050, channels: 1 }, 22_050 * 2); // one second
 */
export function wavHeader(format: PcmFormat, dataBytes: number): Uint8Array {
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  const ascii = (offset: number, text: string) => {
    for (let index = 0; index < text.length; index++)
      view.setUint8(offset + index, text.charCodeAt(index));
  };
  const blockAlign = format.channels * 2;
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // the fmt chunk's size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, format.channels, true);
  view.setUint32(24, format.sampleRate, true);
  view.setUint32(28, format.sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
}
