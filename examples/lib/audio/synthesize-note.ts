/** One note to play. */
export interface Note {
  /** MIDI note number: 69 is A4, 440 Hz. */
  readonly midi: number;
  readonly seconds: number;
}

/**
 * A note's frequency in Hz.
 *
 * @example
 * frequencyOf(69); // 440
 */
export function frequencyOf(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

/**
 * How many samples a note takes at a sample rate.
 *
 * @example
 * samplesOf({ midi: 60, seconds: 0.5 }, 22_050); // 11,025
 */
export function samplesOf(note: Note, sampleRate: number): number {
  return Math.round(note.seconds * sampleRate);
}

/** A soft plucked timbre: the fundamental and three overtones, falling off. */
const HARMONICS = [1, 0.45, 0.22, 0.1];
const ATTACK_SECONDS = 0.01;

/** The amplitude envelope: a short attack, then an exponential decay to the note's end. */
function envelopeAt(time: number, seconds: number): number {
  const attack = Math.min(1, time / ATTACK_SECONDS);
  const release = Math.min(1, (seconds - time) / ATTACK_SECONDS);
  return attack * release * Math.exp((-3 * time) / seconds);
}

/**
 * Computes one note as 16-bit little-endian mono PCM: additive synthesis of a few
 * harmonics under a pluck envelope.
 *
 * @example
 * const pcm = synthesizeNote({ midi: 69, seconds: 0.25 }, 22_050); // 5,512 samples of A4
 */
export function synthesizeNote(note: Note, sampleRate: number): Uint8Array {
  const samples = samplesOf(note, sampleRate);
  const pcm = new Uint8Array(samples * 2);
  const view = new DataView(pcm.buffer);
  const radiansPerSample = (2 * Math.PI * frequencyOf(note.midi)) / sampleRate;
  const norm = HARMONICS.reduce((sum, weight) => sum + weight, 0);
  for (let index = 0; index < samples; index++) {
    let value = 0;
    for (let harmonic = 0; harmonic < HARMONICS.length; harmonic++)
      value += HARMONICS[harmonic]! * Math.sin(radiansPerSample * (harmonic + 1) * index);
    const level = (0.6 * value * envelopeAt(index / sampleRate, note.seconds)) / norm;
    view.setInt16(index * 2, Math.round(level * 32_767), true);
  }
  return pcm;
}
