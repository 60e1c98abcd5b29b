// Whether the built CLI in dist/ may run: in a checkout (src/ present) only when it was built
// after the last change to src/; a checkout whose src/ is newer runs its TypeScript sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The newest modification time of any file under `directory`, in ms. */
function newestChange(directory) {
  let newest = statSync(directory).mtimeMs; // a deleted file shows as the folder's change
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    const path = `${entry.parentPath}/${entry.name}`;
    newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Answers `true` when `root` (the package's folder URL) holds a build of its CLI that is at
 * least as new as every file of `src/`, or holds no `src/` at all (an installed package).
 *
 * @example
 * const built = isBuildCurrent(new URL('../', import.meta.url));
 */
export function isBuildCurrent(root) {
  const builtCli = fileURLToPath(new URL('dist/cli/main.js', root));
  const sources = fileURLToPath(new URL('src', root));
  if (!existsSync(builtCli)) return false;
  if (!existsSync(sources)) return true;
  return statSync(builtCli).mtimeMs >= newestChange(sources);
}
