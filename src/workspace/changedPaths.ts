// What `git status` says differs from HEAD, as a flat list of paths. Used both to refuse a
// dirty workspace and to pick the files a task commit stages.
import { gitRaw } from './git.js';

export interface ChangedPath {
  /** Relative to the workspace root, `/`-separated. */
  path: string;
  /** The two-letter porcelain code, e.g. ` M`, `??`, ` D`, `A `. */
  status: string;
}

/**
 * Modified, added, deleted and untracked files (every untracked file, not just its
 * directory), excluding ignored ones. Renames are listed as two paths, so a glob test on
 * each side sees both. `under`: only paths inside these directories (workspace-relative).
 */
export async function listChangedPaths(dir: string, under?: readonly string[]): Promise<ChangedPath[]> {
  // `:(literal)` so a directory name with glob characters means itself.
  const pathspec = under ? ['--', ...under.map((d) => `:(literal)${d}`)] : [];
  // --no-optional-locks: `status` otherwise rewrites the index when it finds entries whose
  // stat data changed (a file touched, or written in the same second as the index: timing,
  // so load, decides) and dies on a full disk ("index.lock write error"), which is exactly
  // when a failed task's outputs must still be listed to be set aside.
  const out = await gitRaw(dir, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '-uall', '--no-renames', ...pathspec]);
  const changes: ChangedPath[] = [];
  for (const entry of out.split('\0')) {
    if (entry.length < 4) continue;
    changes.push({ status: entry.slice(0, 2), path: entry.slice(3) });
  }
  return changes;
}
