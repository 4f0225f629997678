// The one way this module talks to git. Every call carries its own identity and safety
// settings so nothing depends on the machine's git configuration: a fresh CI machine has
// no user.name, and a developer's global config may sign commits or run hooks.
import { execFile } from 'node:child_process';
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
    config: runnerConfig(dir),
    // simple-git refuses core.hooksPath unless told; here it disables hooks, the safe way round.
    unsafe: { allowUnsafeHooksPath: true },
  });
}

/** The `-c` settings of every runner git call (see workspaceGit). */
function runnerConfig(dir: string): string[] {
  return [
    `user.name=${RUNNER_NAME}`,
    `user.email=${RUNNER_EMAIL}`,
    'commit.gpgsign=false',
    'tag.gpgsign=false',
    `core.hooksPath=${path.join(dir, '.git', 'flux-triton-no-hooks')}`,
    'core.quotePath=false',
    'init.defaultBranch=main',
  ];
}

/** Enough for `ls-files` of a very large workspace; execFile's default (1 MiB) is not. */
const MAX_OUTPUT_BYTES = 1024 * 1024 * 1024;

/**
 * `git <args>` in the workspace, returning stdout. Spawned directly rather than through
 * simple-git, whose task queue and plugins cost about 3 ms of main-thread time per process
 * (two per task commit). Same settings as workspaceGit, and the same outcome rules as
 * simple-git's `raw`: a non-zero exit fails only when git wrote to stderr (the error's
 * message is stdout then stderr); otherwise stdout is the result (`commit` with nothing
 * to commit exits 1 and says so on stdout).
 */
export function gitRaw(dir: string, args: string[]): Promise<string> {
  const config = runnerConfig(dir).flatMap((setting) => ['-c', setting]);
  return new Promise((resolve, reject) => {
    execFile('git', [...config, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException & { code?: unknown }).code;
      // Not an exit status (git missing, cwd gone, output too large): the spawn itself failed.
      if (typeof code !== 'number') return reject(error);
      if (stderr.length === 0) return resolve(stdout);
      reject(new Error(`${stdout}${stderr}`));
    });
  });
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
