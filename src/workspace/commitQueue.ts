// Step 6 of a run: commit exactly one task's outputs. Agents keep writing while a commit
// is made, so staging everything (`git add -A`) would sweep another task's half-written
// files into this commit; instead the changed paths are filtered through the task's
// output globs. Git allows one index writer at a time, so operations run one by one.
import { lstat, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CommitInfo } from '../events/types.js';
import { compileGlob } from '../util/glob.js';
import { listChangedPaths } from './changedPaths.js';
import { outputDirectories } from './outputDirectories.js';
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

/**
 * What the queue learnt about the index at its last commit: whether anything besides
 * its own commits is staged (`clean` false: something the user staged), valid while the
 * index file is the very one that commit left (`stamp`). Git replaces the index file on
 * every write (a new inode), so anything else that stages, resets or refreshes it changes
 * the stamp and the queue asks git again.
 */
interface IndexKnowledge {
  stamp: string;
  clean: boolean;
}

export class CommitQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private index: IndexKnowledge | undefined;
  private commits = 0;

  constructor(readonly dir: string) {}

  /** Runs `operation` after every operation queued before it; a failure does not stop the queue. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation, operation);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Commits the task's changed outputs; null when none of them changed. */
  commitTask(request: TaskCommitRequest): Promise<CommitInfo | null> {
    return this.run(async () => {
      const known = this.index;
      this.index = undefined; // until this commit has finished and says what it left
      const result = await commitOutputs(this.dir, request, known);
      this.index = result.index;
      if (result.commit) this.commits += 1;
      return result.commit;
    });
  }

  /**
   * Git's own upkeep after commits (`maintenance run --auto`: packs loose objects once past
   * git's thresholds), which each of the queue's commits skips: a run makes hundreds of
   * commits in a row, and the check cost a process per commit. Once when the run is over,
   * if it committed anything; a failure here is git's business, not the run's.
   */
  async maintainAfterCommits(): Promise<void> {
    if (this.commits === 0) return;
    this.commits = 0;
    await this.run(() => gitRaw(this.dir, ['maintenance', 'run', '--auto', '--quiet']).catch(() => undefined));
  }

  /** Resolves once every queued operation has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }
}

/**
 * Two or three git processes. When every output is a plain path naming an existing file,
 * one `add --verbose` of exactly those paths stages them and names the ones that changed.
 * Otherwise `status` (limited to the outputs' literal directories) finds the changed
 * paths the globs match and `add` stages exactly those. Then `commit`; its summary line,
 * printed with unabbreviated ids, gives the new sha, so no `rev-parse` is needed.
 *
 * When nothing else was staged before the `add` (the usual case), a plain `commit` of the
 * whole index commits exactly the task's paths and needs no temporary index; its file
 * count is checked against the paths staged, and should anything else have slipped in it
 * is undone (`reset --soft`) and made again the other way. When something else is staged
 * (or the queue cannot tell), `commit -- <paths>` keeps it out of the commit and staged.
 * Whether anything else is staged is known from the queue's previous commit while the
 * index file is unchanged since; otherwise one `diff --cached` asks (the run's first
 * commit, or after anything else wrote the index).
 */
async function commitOutputs(
  dir: string,
  request: TaskCommitRequest,
  known: IndexKnowledge | undefined,
): Promise<{ commit: CommitInfo | null; index: IndexKnowledge | undefined }> {
  const message = taskCommitMessage(request); // first, so a bad trailer fails even with nothing to commit
  let clean = await indexIsClean(dir, known);
  const literal = await stageLiteralOutputs(dir, request.outputs);
  const files = literal?.changed ?? (await stageMatchingChanges(dir, request.outputs));
  // Nothing committed: the index holds what it held, apart from entries equal to HEAD.
  if (files.length === 0) return { commit: null, index: await knowledgeAfter(dir, clean) };
  const commitPaths = literal?.paths ?? files;
  const author = { name: request.agent, email: agentEmail(request.agent) };
  const commit = (paths: string[]): Promise<string> => runCommit(dir, [...commitArgs(message, author), ...(paths.length > 0 ? ['--', ...paths] : [])]);
  let summary: string;
  if (clean) {
    summary = await commit([]);
    const count = committedFileCount(summary);
    if (summary.startsWith('[') && count !== files.length) {
      // More than the task's files: something was staged since the check. Take the commit
      // back (the index keeps everything staged) and commit only the task's paths.
      await gitRaw(dir, summary.includes('(root-commit)') ? ['update-ref', '-d', 'HEAD'] : ['reset', '--soft', '--quiet', 'HEAD~1']);
      clean = false;
      summary = await commit(commitPaths);
    }
  } else {
    summary = await commit(commitPaths);
  }
  // The paths were staged but hold what HEAD holds (changed back since `status`).
  if (!summary.startsWith('[') && NOTHING_TO_COMMIT.test(summary)) return { commit: null, index: await knowledgeAfter(dir, clean) };
  const sha = commitShaFromSummary(summary) ?? (await headSha(dir));
  if (!sha) throw new Error(`git commit for ${request.taskId} left no HEAD in ${dir}`);
  return { commit: { sha, message, files }, index: await knowledgeAfter(dir, clean) };
}

/**
 * `git commit` with unabbreviated ids and without git's upkeep check after it (see
 * maintainAfterCommits); "nothing to commit" (exit 1) comes back as the summary.
 */
async function runCommit(dir: string, args: string[]): Promise<string> {
  try {
    return await gitRaw(dir, ['-c', 'core.abbrev=no', '-c', 'maintenance.auto=false', ...args]);
  } catch (error) {
    const text = (error as Error).message;
    if (!NOTHING_TO_COMMIT.test(text)) throw error;
    return text;
  }
}

/** ` 2 files changed, …` in a commit summary; undefined when absent. */
function committedFileCount(summary: string): number | undefined {
  const match = /^ (\d+) files? changed/m.exec(summary);
  return match ? Number(match[1]) : undefined;
}

/**
 * Whether the index holds nothing HEAD does not (nothing staged), before this task stages
 * its paths: what the queue's last commit left when the index file is still that one,
 * else git's answer. Undefined (commit with paths, as always safe) when the index file
 * cannot be read, e.g. `.git` is a link to another directory.
 */
async function indexIsClean(dir: string, known: IndexKnowledge | undefined): Promise<boolean | undefined> {
  const stamp = await indexStamp(dir);
  if (stamp === undefined) return undefined;
  if (known?.stamp === stamp) return known.clean;
  const staged = await gitRaw(dir, ['diff', '--cached', '--name-only', '-z']);
  return staged.length === 0;
}

async function knowledgeAfter(dir: string, clean: boolean | undefined): Promise<IndexKnowledge | undefined> {
  if (clean === undefined) return undefined;
  const stamp = await indexStamp(dir);
  return stamp === undefined ? undefined : { stamp, clean };
}

/** Identifies one version of `.git/index`: git writes a new file (lock, then rename) each time. */
async function indexStamp(dir: string): Promise<string | undefined> {
  try {
    const info = await stat(path.join(dir, '.git', 'index'), { bigint: true });
    return `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  } catch {
    return undefined;
  }
}

/** Stages the changed paths among those the globs match (deletions too); returns them sorted. */
async function stageMatchingChanges(dir: string, outputs: readonly string[]): Promise<string[]> {
  const matchers = outputs.map((glob) => compileGlob(glob));
  const changed = await listChangedPaths(dir, outputDirectories(outputs));
  const files = [...new Set(changed.map((c) => c.path).filter((file) => matchers.some((matches) => matches(file))))].sort();
  // `git add -- <path>` also stages a deletion.
  if (files.length > 0) await gitRaw(dir, ['add', '--', ...files]);
  return files;
}

/**
 * For outputs that are all plain paths of existing files (the usual case): `git add
 * --verbose` of exactly those paths, reading the ones that changed from its `add '…'`
 * lines. Undefined (the caller falls back to `status`) for any wildcard, a missing path
 * (it may be a deletion), a directory (the glob names the path, not what is inside), or
 * anything git refuses (an ignored path).
 */
async function stageLiteralOutputs(dir: string, outputs: readonly string[]): Promise<{ changed: string[]; paths: string[] } | undefined> {
  const paths: string[] = [];
  for (const glob of outputs) {
    // Wildcards, escapes and control characters (a newline would break the parsing below) go the general way.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this test looks for.
    if (/[*?[\]{}\\\x00-\x1f]/.test(glob)) return undefined;
    const segments = glob.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.length === 0 || segments.includes('..')) return undefined;
    paths.push(segments.join('/'));
  }
  for (const file of paths) {
    try {
      const stats = await lstat(path.join(dir, file));
      if (!stats.isFile() && !stats.isSymbolicLink()) return undefined;
    } catch {
      return undefined;
    }
  }
  const unique = [...new Set(paths)].sort();
  let out: string;
  try {
    out = await gitRaw(dir, ['add', '--verbose', '--', ...unique.map((file) => `:(literal)${file}`)]);
  } catch {
    return undefined;
  }
  const changed = new Set<string>();
  for (const line of out.split('\n')) {
    if (line.startsWith("add '") && line.endsWith("'")) changed.add(line.slice(5, -1));
  }
  // Nothing printed: unchanged, or already staged as it is (by hand); status tells which.
  if (changed.size === 0) return undefined;
  // Every path goes to the commit, so one staged by hand with these very bytes (which
  // `add` does not print) is committed too; `changed` is what the commit reports.
  return { changed: [...changed].sort(), paths: unique.map((file) => `:(literal)${file}`) };
}

const NOTHING_TO_COMMIT = /nothing (added )?to commit|no changes added to commit/;

/** `[main 5bd1…] T013: title` (or `[main (root-commit) …]`, `[detached HEAD …]`): the full id, if printed in full. */
export function commitShaFromSummary(summary: string): string | undefined {
  const first = summary.split('\n', 1)[0] ?? '';
  const match = /^\[.* ([0-9a-f]{40}|[0-9a-f]{64})\]/.exec(first);
  return match?.[1];
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
  const local =
    agent
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'agent';
  return `${local}@${RUNNER_EMAIL.split('@')[1]}`;
}
