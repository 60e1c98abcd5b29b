/** Whether `root` holds a CLI build at least as new as its `src/` (or has no `src/`). */
export function isBuildCurrent(root: URL): boolean;
