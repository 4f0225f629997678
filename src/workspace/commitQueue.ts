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

async function commitOutputs(dir: string, request: TaskCommitRequest): Promise<CommitInfo | null> {
  const message = taskCommitMessage(request); // first, so a bad trailer fails even with nothing to commit
  const matchers = request.outputs.map((glob) => compileGlob(glob));
  const changed = await listChangedPaths(dir);
  const files = [...new Set(changed.map((c) => c.path).filter((file) => matchers.some((matches) => matches(file))))].sort();
  if (files.length === 0) return null;
  // `git add -- <path>` also stages a deletion; the pathspec after `commit --` keeps
  // anything else that might sit in the index out of this commit.
  await gitRaw(dir, ['add', '--', ...files]);
  const staged = (await gitRaw(dir, ['diff', '--cached', '--name-only', '-z', '--', ...files])).split('\0').filter(Boolean);
  if (staged.length === 0) return null;
  const author = { name: request.agent, email: agentEmail(request.agent) };
  await gitRaw(dir, [...commitArgs(message, author), '--', ...files]);
  const sha = await headSha(dir);
  if (!sha) throw new Error(`git commit for ${request.taskId} left no HEAD in ${dir}`);
  return { sha, message, files: staged.sort() };
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
