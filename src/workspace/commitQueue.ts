// Step 6 of a run: commit exactly one task's outputs. Agents keep writing while a commit
// is made, so staging everything (`git add -A`) would sweep another task's half-written
// files into this commit; instead the changed paths are filtered through the task's
// output globs. Git allows one index writer at a time, so operations run one by one.
import type { CommitInfo } from '../events/types.js';
import { compileGlob } from '../util/glob.js';
import { listChangedPaths } from './changedPaths.js';
import { commitArgs, gitRaw, headSha, RUNNER_EMAIL } from './git.js';

export interface TaskCommitRequest {
  taskId: string;
  title: string;
  /** Agent name: the commit's author. */
  agent: string;
  model: string;
  runId: string;
  /** Total tokens the task spent, recorded as a trailer. */
  tokens: number;
  /** The task's output globs, relative to the workspace root. */
  outputs: string[];
  /** Extra trailers after the standard ones, e.g. `{ 'Input-Hash': '…' }` for the cache. */
  trailers?: Record<string, string>;
}

export class CommitQueue {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  /** Runs `operation` after every operation queued before it; a failure does not stop the queue. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation, operation);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Commits the task's changed outputs; null when none of them changed. */
  commitTask(request: TaskCommitRequest): Promise<CommitInfo | null> {
    return this.run(() => commitOutputs(this.dir, request));
  }

  /** Resolves once every queued operation has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }
}

/**
 * Three git processes: `status` (limited to the outputs' literal directories) to find the
 * changed paths the globs match, `add` of exactly those, and `commit` of exactly those
 * (the pathspec after `commit --` keeps anything else in the index, such as something the
 * user staged, out of the commit). The commit's summary line, printed with unabbreviated
 * ids, gives the new sha, so no `rev-parse` is needed.
 */
async function commitOutputs(dir: string, request: TaskCommitRequest): Promise<CommitInfo | null> {
  const message = taskCommitMessage(request); // first, so a bad trailer fails even with nothing to commit
  const matchers = request.outputs.map((glob) => compileGlob(glob));
  const changed = await listChangedPaths(dir, outputDirectories(request.outputs));
  const files = [...new Set(changed.map((c) => c.path).filter((file) => matchers.some((matches) => matches(file))))].sort();
  if (files.length === 0) return null;
  // `git add -- <path>` also stages a deletion.
  await gitRaw(dir, ['add', '--', ...files]);
  const author = { name: request.agent, email: agentEmail(request.agent) };
  let summary: string;
  try {
    summary = await gitRaw(dir, ['-c', 'core.abbrev=no', ...commitArgs(message, author), '--', ...files]);
  } catch (error) {
    summary = (error as Error).message;
    if (!NOTHING_TO_COMMIT.test(summary)) throw error;
  }
  // The paths were staged but hold what HEAD holds (changed back since `status`). Git
  // says so on stdout with exit code 1, which simple-git does not always treat as failure.
  if (!summary.startsWith('[') && NOTHING_TO_COMMIT.test(summary)) return null;
  const sha = commitShaFromSummary(summary) ?? (await headSha(dir));
  if (!sha) throw new Error(`git commit for ${request.taskId} left no HEAD in ${dir}`);
  return { sha, message, files };
}

const NOTHING_TO_COMMIT = /nothing (added )?to commit|no changes added to commit/;

/** `[main 5bd1…] T013: title` (or `[main (root-commit) …]`, `[detached HEAD …]`): the full id, if printed in full. */
export function commitShaFromSummary(summary: string): string | undefined {
  const first = summary.split('\n', 1)[0] ?? '';
  const match = /^\[.* ([0-9a-f]{40}|[0-9a-f]{64})\]/.exec(first);
  return match?.[1];
}

/**
 * The literal paths the globs live under (`triton_models/vae/1` for
 * `triton_models/vae/1/*.py`, the path itself for a glob without wildcards), so `git
 * status` need not walk the whole workspace; no limit when any glob starts with one.
 */
function outputDirectories(globs: readonly string[]): string[] | undefined {
  const dirs = new Set<string>();
  for (const glob of globs) {
    const segments = glob.replace(/^\.\//, '').split('/').filter((s) => s !== '' && s !== '.');
    const firstWild = segments.findIndex((s) => /[*?[{\\]/.test(s));
    // A glob without wildcards names the path itself.
    const literal = firstWild === -1 ? segments : segments.slice(0, firstWild);
    if (literal.length === 0) return undefined;
    dirs.add(literal.join('/'));
  }
  return [...dirs];
}

/** `T013: <title>`, a blank line, then the trailers findTaskCommits reads back. */
export function taskCommitMessage(request: Omit<TaskCommitRequest, 'outputs'>): string {
  const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
  return [
    `${request.taskId}: ${oneLine(request.title)}`,
    '',
    `Task: ${request.taskId}`,
    `Agent: ${oneLine(request.agent)}`,
    `Model: ${oneLine(request.model)}`,
    `Run: ${request.runId}`,
    `Tokens: ${request.tokens}`,
    ...Object.entries(request.trailers ?? {}).map(([key, value]) => `${trailerKey(key)}: ${oneLine(value)}`),
  ].join('\n');
}

/** Git reads `Key: value` lines as trailers only when the key is a plain token. */
function trailerKey(key: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(key)) throw new Error(`commit trailer key ${JSON.stringify(key)} must be letters, digits and dashes`);
  return key;
}

/** A stable, valid address per agent, so `git log --author=<agent>` works. */
export function agentEmail(agent: string): string {
  const local = agent.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'agent';
  return `${local}@${RUNNER_EMAIL.split('@')[1]}`;
}
