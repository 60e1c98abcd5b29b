import { readdir, readFile } from 'node:fs/promises';

const CORPUS_DIRECTORY = new URL('../../corpus/', import.meta.url);

/**
 * The text the demo language model learns from: every `.txt` file of `examples/corpus/`,
 * in name order, so the model is the same on every machine.
 *
 * @example
 * const model = NgramModel.fromTokens(tokenize(await loadCorpus()));
 */
export async function loadCorpus(): Promise<string> {
  const names = (await readdir(CORPUS_DIRECTORY)).filter((name) => name.endsWith('.txt')).sort();
  const texts = await Promise.all(
    names.map((name) => readFile(new URL(name, CORPUS_DIRECTORY), 'utf8')),
  );
  return texts.join('\n\n');
}
