// Step 3 of a run: make the workspace a git repository holding the graph's context files,
// committed once, and refuse to go on over the user's uncommitted work.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { commitArgs, gitRaw, headSha, LOCK_FILE_NAME, RUNNER_EMAIL, RUNNER_NAME } from './git.js';
import { assertCleanWorkspace } from './userChanges.js';

export interface PrepareWorkspaceOptions {
  dir: string;
  /** Directory the context file paths are relative to (the graph's `context/`). */
  contextSourceDir: string;
  /** Relative paths under `contextSourceDir`; copied to the same relative path in the workspace. */
  contextFiles: string[];
  graphName: string;
  runId: string;
  /** Skip the uncommitted-changes check (for callers that have checked already). */
  allowDirty?: boolean;
}

export interface Workspace {
  /** Absolute path of the workspace root. */
  dir: string;
  /** True when this call created the repository. */
  created: boolean;
  /** The commit adding changed context files, or null when nothing changed. */
  contextCommit: string | null;
  /** HEAD after preparation (null only for a repository that still has no commit). */
  head: string | null;
}

/** What the workspace's .gitignore must contain: Python caches and the runner's lock. */
// Caches that Python, pytest and its plugins leave behind when agents and checks run,
// the placeholder that keeps an empty workspace/ folder in the project's own repo, and the lock.
export const WORKSPACE_IGNORES = ['__pycache__/', '*.pyc', '.pytest_cache/', '.benchmarks/', '.hypothesis/', '.venv/', '/.gitkeep', `/${LOCK_FILE_NAME}`];

export async function prepareWorkspace(options: PrepareWorkspaceOptions): Promise<Workspace> {
  const dir = path.resolve(options.dir);
  await mkdir(dir, { recursive: true });
  // Only a `.git` of its own counts: a workspace nested in another repository (this
  // project's own checkout, say) must still get its own history.
  const created = !existsSync(path.join(dir, '.git'));
  if (created) {
    await gitRaw(dir, ['init', '--quiet']);
    await gitRaw(dir, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
  } else if (!options.allowDirty) {
    await assertCleanWorkspace(dir);
  }

  // Always staged, changed or not: a run killed between `git add` and the commit left
  // them staged and identical, and they must still be committed now.
  const toStage: string[] = ['.gitignore'];
  await ensureGitignore(dir);
  for (const relative of options.contextFiles) {
    await copyContextFile(options.contextSourceDir, dir, relative);
    toStage.push(toPosix(relative));
  }

  let contextCommit: string | null = null;
  if (toStage.length > 0) {
    await gitRaw(dir, ['add', '--', ...toStage]);
    const staged = (await gitRaw(dir, ['diff', '--cached', '--name-only', '--', ...toStage])).trim();
    if (staged) {
      const runner = { name: RUNNER_NAME, email: RUNNER_EMAIL };
      const message = `Add context files for ${options.graphName}\n\nRun: ${options.runId}`;
      await gitRaw(dir, [...commitArgs(message, runner), '--', ...toStage]);
      contextCommit = await headSha(dir);
    }
  }
  return { dir, created, contextCommit, head: await headSha(dir) };
}

/** Adds any missing ignore line; true when the file changed. */
async function ensureGitignore(dir: string): Promise<boolean> {
  const file = path.join(dir, '.gitignore');
  const current = existsSync(file) ? await readFile(file, 'utf8') : '';
  const present = new Set(current.split(/\r?\n/).map((line) => line.trim()));
  const missing = WORKSPACE_IGNORES.filter((line) => !present.has(line));
  if (missing.length === 0) return false;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  const header = current === '' ? '# Written by flux-triton: Python caches and the run lock.\n' : '# Added by flux-triton\n';
  await writeFile(file, `${current}${separator}${header}${missing.join('\n')}\n`);
  return true;
}

/** Copies one context file when its content differs; true when it was written. */
async function copyContextFile(sourceDir: string, dir: string, relative: string): Promise<boolean> {
  if (path.isAbsolute(relative) || toPosix(path.normalize(relative)).startsWith('../')) {
    throw new UserError(`Context file ${relative} must be a relative path inside ${sourceDir}.`);
  }
  const source = path.join(sourceDir, relative);
  const target = path.join(dir, relative);
  let wanted: Buffer;
  try {
    wanted = await readFile(source);
  } catch {
    throw new UserError(`Context file ${relative} was not found at ${source}.`, 'Fix the `context` list of the task graph or add the file.');
  }
  const existing = existsSync(target) ? await readFile(target) : undefined;
  if (existing?.equals(wanted)) return false;
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(source, target);
  return true;
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}
