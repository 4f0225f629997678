// Drives the BUILT CLI (`node dist/cli/main.js run …`) as a child process on the small
// FLUX-shaped project from test/pipeline/fixture.ts, with an environment that has no
// ANTHROPIC_API_KEY, and reads back what it left: git history, state, events, transcripts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { type FixtureTask, makeProject, type Project, writeScript } from '../pipeline/fixture.js';

/**
 * A smaller cut of the fixture's FLUX shape (configs → parallel models → a gated model →
 * tests), so each CLI run stays short: these tests start many runs.
 */
export const SMALL: FixtureTask[] = [
  { id: 'C1', phase: 'configs' },
  { id: 'C2', phase: 'configs' },
  { id: 'M1', phase: 'models', needs: ['C1'] },
  { id: 'M2', phase: 'models', needs: ['C2'] },
  { id: 'G', phase: 'models', needs: ['M1', 'M2'] },
  { id: 'T1', phase: 'tests', needs: ['G'] },
];

export const repo = path.join(import.meta.dirname, '../..');
export const mainJs = path.join(repo, 'dist/cli/main.js');

/** A minimal environment: no API key, no inherited git identity or config. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NO_COLOR: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
  delete env.ANTHROPIC_API_KEY;
  return env;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Finished>;
  stdout(): string;
  stderr(): string;
}

/** `flux-triton <args>` as a child process, from the project root. */
export function spawnCli(project: Project, args: string[], env: NodeJS.ProcessEnv = childEnv()): Running {
  const child = spawn(process.execPath, [mainJs, ...args], { cwd: project.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

/** The project flags every `run` takes. */
export function projectArgs(project: Project): string[] {
  return ['--graph', project.graphFile, '--agents', project.agentsDir, '--workspace', project.workspaceDir, '--reports', project.reportsDir];
}

/** `flux-triton run --provider scripted <project flags> <extra>`, to completion. */
export function runCli(project: Project, extra: string[] = [], env?: NodeJS.ProcessEnv): Promise<Finished> {
  return spawnCli(project, ['run', ...projectArgs(project), '--provider', 'scripted', ...extra], env).done;
}

export function startRun(project: Project, extra: string[] = [], env?: NodeJS.ProcessEnv): Running {
  return spawnCli(project, ['run', ...projectArgs(project), '--provider', 'scripted', ...extra], env);
}

export function reportCli(project: Project, extra: string[] = []): Promise<Finished> {
  return spawnCli(project, ['report', '--reports', project.reportsDir, ...extra]).done;
}

/** Polls `check` until it returns a value other than undefined/false; fails after `timeoutMs` or when `alive` says the child is gone. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, opts: { timeoutMs?: number; running?: Running } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    let value: T | undefined | false;
    try {
      value = check();
    } catch {
      value = undefined; // a file mid-write: try again
    }
    if (value !== undefined && value !== false) return value;
    if (opts.running && opts.running.child.exitCode !== null) {
      throw new Error(`the CLI exited (${opts.running.child.exitCode}) before ${what}\nstdout:\n${opts.running.stdout()}\nstderr:\n${opts.running.stderr()}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: childEnv() });
}

/** How many commits carry each `Task:` trailer. */
export function commitsPerTask(workspace: string): Map<string, number> {
  const out = git(workspace, 'log', '--format=%(trailers:key=Task,valueonly,separator=%x2c)%x1e');
  const counts = new Map<string, number>();
  for (const record of out.split('\x1e')) {
    const task = record.trim();
    if (task) counts.set(task, (counts.get(task) ?? 0) + 1);
  }
  return counts;
}

/** sha of each task's commit (a task with several commits maps to the newest). */
export function commitShaPerTask(workspace: string): Map<string, string> {
  const out = git(workspace, 'log', '--format=%H %(trailers:key=Task,valueonly,separator=%x2c)');
  const shas = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [sha, task] = line.trim().split(' ');
    if (sha && task && !shas.has(task)) shas.set(task, sha);
  }
  return shas;
}

export function runsDir(project: Project): string {
  return path.join(project.reportsDir, 'runs');
}

/** The only run directory (most tests make one run and resume it). */
export function onlyRunId(project: Project): string | undefined {
  const dir = runsDir(project);
  if (!existsSync(dir)) return undefined;
  const ids = execFileSync('ls', [dir], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return ids.length === 1 ? ids[0] : undefined;
}

export function runDir(project: Project, runId: string): string {
  return path.join(runsDir(project), runId);
}

export interface EventLike {
  type: string;
  task?: string;
  state?: string;
  reason?: string;
  status?: string;
  turn?: { turn: number };
  message?: string;
  level?: string;
}

/** Complete lines of events.ndjson (a last line mid-write is ignored). */
export function readEvents(project: Project, runId: string): EventLike[] {
  const file = path.join(runDir(project, runId), 'events.ndjson');
  if (!existsSync(file)) return [];
  const events: EventLike[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as EventLike);
    } catch {
      break;
    }
  }
  return events;
}

export interface StateLike {
  runId: string;
  status: string;
  resumedFrom?: string;
  tasks: Record<string, { id: string; state: string; reason?: string; turns: number; commit?: { sha: string }; verify: unknown[] }>;
  notices: { level: string; message: string; task?: string }[];
}

export function readState(project: Project, runId: string): StateLike {
  return JSON.parse(readFileSync(path.join(runDir(project, runId), 'state.json'), 'utf8')) as StateLike;
}

export function transcriptPath(project: Project, runId: string, task: string): string {
  return path.join(runDir(project, runId), 'transcripts', `${task}.jsonl`);
}

/** Turn numbers recorded in a task's transcript (complete lines only). */
export function transcriptTurns(project: Project, runId: string, task: string): number[] {
  const file = transcriptPath(project, runId, task);
  if (!existsSync(file)) return [];
  const turns: number[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      turns.push((JSON.parse(line) as { turn: number }).turn);
    } catch {
      break;
    }
  }
  return turns;
}

export function writeLatencyPlan(project: Project, plan: Record<string, unknown>): string {
  const file = path.join(project.root, 'latency.yaml');
  writeFileSync(file, stringify(plan));
  return file;
}

export function lockFile(project: Project): string {
  return path.join(project.workspaceDir, '.flux-triton.lock');
}

/** SMALL, with M1 taking four turns (write, two reads, done), so a kill can land between them. */
export function slowM1Project(): Project {
  const project = makeProject(SMALL);
  writeScript(project.scriptsDir, 'M1', [
    { text: 'Writing M1.', tools: [{ Write: { file_path: 'out/M1.txt', content: 'M1 output\n' } }] },
    { text: 'Checking.', tools: [{ Read: { file_path: 'out/M1.txt' } }] },
    { text: 'Checking again.', tools: [{ Read: { file_path: 'brief.md' } }] },
    { text: 'M1 is written.' },
  ]);
  return project;
}
