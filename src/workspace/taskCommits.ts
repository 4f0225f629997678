// Which commits a task has made, read back from the trailers commitTask writes. Resume uses
// this so a finished task is never committed twice; rerun and the cache use it to find
// the commit a task's outputs came from (and the input hash it was made with).
import { gitRaw, headSha } from './git.js';

export interface TaskCommitRecord {
  sha: string;
  runId: string;
  /** Committer date, ISO 8601. */
  at: string;
  agent?: string;
  model?: string;
  tokens?: number;
  /** The `Input-Hash` trailer, when the caller wrote one. */
  inputHash?: string;
  /** Every trailer of the commit (last value wins for a repeated key). */
  trailers: Record<string, string>;
}

// Unit, record and group separators cannot appear in one-line trailer values.
const FIELD = '\x1f';
const RECORD = '\x1e';
const TRAILER = '\x1d';

/** Every task commit reachable from HEAD, per task id, newest first. */
export async function findTaskCommits(dir: string): Promise<Map<string, TaskCommitRecord[]>> {
  const byTask = new Map<string, TaskCommitRecord[]>();
  if (!(await headSha(dir))) return byTask;
  const format = ['%H', '%cI', '%(trailers:only,unfold,separator=%x1d)'].join('%x1f') + '%x1e';
  const out = await gitRaw(dir, ['log', `--format=${format}`, '--grep=^Task: ', 'HEAD']);
  for (const record of out.split(RECORD)) {
    const [sha, at, trailerText] = record.trim().split(FIELD);
    if (!sha) continue;
    const trailers = parseTrailers(trailerText ?? '');
    const task = trailers.Task;
    if (!task) continue;
    const entry: TaskCommitRecord = { sha, runId: trailers.Run ?? '', at: at ?? '', trailers };
    if (trailers.Agent) entry.agent = trailers.Agent;
    if (trailers.Model) entry.model = trailers.Model;
    if (trailers.Tokens && Number.isFinite(Number(trailers.Tokens))) entry.tokens = Number(trailers.Tokens);
    if (trailers['Input-Hash']) entry.inputHash = trailers['Input-Hash'];
    const list = byTask.get(task) ?? [];
    list.push(entry);
    byTask.set(task, list);
  }
  return byTask;
}

function parseTrailers(text: string): Record<string, string> {
  const trailers: Record<string, string> = {};
  for (const line of text.split(TRAILER)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    trailers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return trailers;
}

/** The newest commit made for `taskId`, or undefined when it never committed. */
export async function lastCommitForTask(dir: string, taskId: string): Promise<TaskCommitRecord | undefined> {
  return (await findTaskCommits(dir)).get(taskId)?.[0];
}
