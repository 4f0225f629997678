// The one way this module talks to git. Every call carries its own identity and safety
// settings so nothing depends on the machine's git configuration: a fresh CI machine has
// no user.name, and a developer's global config may sign commits or run hooks.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { type GitOutcome, GitShellNotStarted, runInGitShell } from './gitShell.js';

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
 * `git <args>` in the workspace, returning stdout. Run by a pooled shell (gitShell.ts:
 * forking the runner costs more than most git commands do), or spawned directly when no
 * shell is free, rather than through simple-git, whose task queue and plugins cost about
 * 3 ms of main-thread time per process. Same settings as workspaceGit, and the same
 * outcome rules as simple-git's `raw`: a non-zero exit fails only when git wrote to stderr
 * (the error's message is stdout then stderr); otherwise stdout is the result (`commit`
 * with nothing to commit exits 1 and says so on stdout).
 */
export async function gitRaw(dir: string, args: string[]): Promise<string> {
  const argv = [...runnerConfig(dir).flatMap((setting) => ['-c', setting]), ...args];
  const pooled = runInGitShell(path.resolve(dir), argv);
  const outcome = pooled
    ? await pooled.catch((error: unknown) => (error instanceof GitShellNotStarted ? spawnGit(dir, argv) : Promise.reject(error)))
    : await spawnGit(dir, argv);
  if (outcome.signal) throw new Error(`git ${subcommand(args)} was ended by ${outcome.signal}${outcome.stderr ? `: ${outcome.stderr}` : ''}`);
  if (outcome.code === 0 || outcome.stderr.length === 0) return outcome.stdout;
  throw new Error(`${outcome.stdout}${outcome.stderr}`);
}

/** The git command `args` run (`commit` of `-c core.abbrev=no commit …`), for messages. */
function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '-c' || arg === '-C') i += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return '';
}

/** `git <argv>` as the runner's own child; rejects only when it cannot be started. */
function spawnGit(dir: string, argv: string[]): Promise<GitOutcome> {
  return new Promise((resolve, reject) => {
    execFile('git', argv, { cwd: dir, encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const code = (error as NodeJS.ErrnoException & { code?: unknown }).code;
      if (error.signal) return resolve({ code: -1, signal: error.signal, stdout, stderr });
      // Not an exit status (git missing, cwd gone, output too large): the spawn itself failed.
      if (typeof code !== 'number') return reject(error);
      resolve({ code, stdout, stderr });
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
