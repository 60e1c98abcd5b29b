import type { SeededRandom } from '../seeded-random.js';
import type { Note } from './synthesize-note.js';

/** The major pentatonic scale's steps in semitones: any walk over it sounds consonant. */
const PENTATONIC = [0, 2, 4, 7, 9];
/** Scale degrees the walk may reach (two octaves). */
const DEGREES = PENTATONIC.length * 2;

function midiOf(root: number, degree: number): number {
  const octave = Math.floor(degree / PENTATONIC.length);
  return root + 12 * octave + PENTATONIC[degree % PENTATONIC.length]!;
}

/**
 * A melody of `count` notes: a random walk over two octaves of a major pentatonic scale
 * from `root`, mostly by step, now and then a leap, every fourth note held twice as long.
 *
 * @example
 * composeMelody({ count: 16, root: 60, beatSeconds: 0.25, random: new SeededRandom(7) });
 */
export function composeMelody(options: {
  readonly count: number;
  readonly root: number;
  readonly beatSeconds: number;
  readonly random: SeededRandom;
}): Note[] {
  const { count, root, beatSeconds, random } = options;
  const notes: Note[] = [];
  let degree = PENTATONIC.length; // start in the middle
  for (let index = 0; index < count; index++) {
    const leap = random.next() < 0.2 ? 3 : 1;
    const direction = random.next() < 0.5 ? -1 : 1;
    degree = Math.min(DEGREES - 1, Math.max(0, degree + direction * leap));
    const beats = index % 4 === 3 ? 2 : 1;
    notes.push({ midi: midiOf(root, degree), seconds: beats * beatSeconds });
  }
  return notes;
}
