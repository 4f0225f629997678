// The one way this module talks to git. Every call carries its own identity and safety
// settings so nothing depends on the machine's git configuration: a fresh CI machine has
// no user.name, and a developer's global config may sign commits or run hooks.
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

export const RUNNER_NAME = 'flux-triton';
export const RUNNER_EMAIL = 'runner@flux-triton.local';

/** The file the workspace lock lives in, at the workspace root; never committed. */
export const LOCK_FILE_NAME = '.flux-triton.lock';

/**
 * A simple-git instance for the workspace at `dir` with the runner as committer, signing
 * off, hooks pointed at a directory that does not exist (so none run), and paths printed
 * verbatim (no octal quoting of non-ASCII names).
 */
export function workspaceGit(dir: string): SimpleGit {
  return simpleGit({
    baseDir: dir,
    config: [
      `user.name=${RUNNER_NAME}`,
      `user.email=${RUNNER_EMAIL}`,
      'commit.gpgsign=false',
      'tag.gpgsign=false',
      `core.hooksPath=${path.join(dir, '.git', 'flux-triton-no-hooks')}`,
      'core.quotePath=false',
      'init.defaultBranch=main',
    ],
    // simple-git refuses core.hooksPath unless told; here it disables hooks, the safe way round.
    unsafe: { allowUnsafeHooksPath: true },
  });
}

/** `git <args>` in the workspace, returning stdout. */
export async function gitRaw(dir: string, args: string[]): Promise<string> {
  return workspaceGit(dir).raw(args);
}

/** The commit HEAD points to, or null in a repository without commits. */
export async function headSha(dir: string): Promise<string | null> {
  try {
    const out = await gitRaw(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
    return out.trim() || null;
  } catch {
    return null;
  }
}

/** `git commit` arguments shared by every runner commit: no hooks, no signing, message kept as written. */
export function commitArgs(message: string, author: { name: string; email: string }): string[] {
  return ['commit', '--no-verify', '--no-gpg-sign', '--cleanup=whitespace', `--author=${author.name} <${author.email}>`, '-m', message];
}
