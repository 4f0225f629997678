// Where a task's output globs can match, so git need not walk the whole workspace.

/**
 * The literal paths the globs live under (`triton_models/vae/1` for
 * `triton_models/vae/1/*.py`, the path itself for a glob without wildcards), so `git
 * status` need not walk the whole workspace; no limit when any glob starts with one.
 */
export function outputDirectories(globs: readonly string[]): string[] | undefined {
  const dirs = new Set<string>();
  for (const glob of globs) {
    const segments = glob
      .replace(/^\.\//, '')
      .split('/')
      .filter((s) => s !== '' && s !== '.');
    const firstWild = segments.findIndex((s) => /[*?[{\\]/.test(s));
    // A glob without wildcards names the path itself.
    const literal = firstWild === -1 ? segments : segments.slice(0, firstWild);
    if (literal.length === 0) return undefined;
    dirs.add(literal.join('/'));
  }
  return [...dirs];
}
