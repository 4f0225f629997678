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

export interface WorkspaceStatus {
  /** The commit HEAD points to; null before the first commit. */
  head: string | null;
  /** `refs/heads/<name>` of the branch HEAD is on; undefined when detached. */
  branch: string | undefined;
  /** As listChangedPaths lists them (whole workspace). */
  changes: ChangedPath[];
}

/**
 * HEAD, its branch and the changed paths from one `git status --porcelain=v2 --branch`
 * instead of `symbolic-ref`, `rev-parse` and `status` (one process, not three, after
 * every task). Codes are given in v1's form (` M`, `??`) so callers see what
 * listChangedPaths gives.
 */
export async function readWorkspaceStatus(dir: string): Promise<WorkspaceStatus> {
  // --no-optional-locks: status would otherwise rewrite the index to refresh stat data,
  // and the commit queue reads an index untouched since its last commit as "nothing
  // staged but its own", which saves a `diff --cached` per task.
  const out = await gitRaw(dir, ['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '-z', '-uall', '--no-renames']);
  const status: WorkspaceStatus = { head: null, branch: undefined, changes: [] };
  const entries = out.split('\0');
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i] as string;
    if (entry.startsWith('# branch.oid ')) {
      const oid = entry.slice('# branch.oid '.length);
      status.head = oid === '(initial)' ? null : oid;
    } else if (entry.startsWith('# branch.head ')) {
      const name = entry.slice('# branch.head '.length);
      status.branch = name === '(detached)' ? undefined : `refs/heads/${name}`;
    } else if (entry.startsWith('? ')) {
      status.changes.push({ status: '??', path: entry.slice(2) });
    } else if (/^[12u] /.test(entry)) {
      // Fields before the path: 1 → 8, 2 (a rename, followed by its source) → 9, u → 10.
      const fieldCount = entry[0] === '1' ? 8 : entry[0] === '2' ? 9 : 10;
      const code = (entry.split(' ', 2)[1] ?? '').replace(/\./g, ' ');
      status.changes.push({ status: code, path: afterFields(entry, fieldCount) });
      if (entry[0] === '2') {
        i += 1;
        status.changes.push({ status: code, path: entries[i] ?? '' });
      }
    }
  }
  return status;
}

/** What follows the first `count` space-separated fields (a path may itself hold spaces). */
function afterFields(entry: string, count: number): string {
  let at = 0;
  for (let field = 0; field < count; field += 1) at = entry.indexOf(' ', at) + 1;
  return entry.slice(at);
}
