#!/usr/bin/env node
// End-to-end check used by CI: runs the full FLUX graph with the scripted provider into
// a temporary workspace, then asserts from the run's summary.json that every task
// succeeded, every task was committed, and every verify check ran (none skipped); and that
// the run wrote summary.html and priced the run, every phase and every task.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'flux-triton-e2e-'));
const workspace = path.join(scratch, 'workspace');
const reports = path.join(scratch, 'reports');
const env = { ...process.env };
delete env.ANTHROPIC_API_KEY;

const started = Date.now();
const run = spawnSync(
  process.execPath,
  [path.join(root, 'dist/cli/main.js'), 'run', '--provider', 'scripted', '--workspace', workspace, '--reports', reports],
  { cwd: root, env, stdio: 'inherit' },
);
if (run.status !== 0) fail(`flux-triton run exited with ${run.status}`);

const runsDir = path.join(reports, 'runs');
const [runId] = readdirSync(runsDir);
const summary = JSON.parse(readFileSync(path.join(runsDir, runId, 'summary.json'), 'utf8'));
const tasks = (summary.phases ?? []).flatMap((phase) => phase.tasks ?? []);
if (tasks.length !== 13) fail(`expected 13 tasks in the summary, found ${tasks.length}`);
const problems = [];
for (const task of tasks) {
  if (task.state !== 'succeeded') problems.push(`${task.id} is ${task.state}${task.reason ? ` (${task.reason})` : ''}`);
  if (!task.commit) problems.push(`${task.id} has no commit`);
  const last = task.verify?.[task.verify.length - 1];
  if (!last) problems.push(`${task.id} recorded no verification`);
  for (const check of last?.results ?? []) {
    if (check.status !== 'passed') problems.push(`${task.id}: check ${check.name} ${check.status}${check.reason ? ` (${check.reason})` : ''}`);
  }
}
if (typeof summary.costUsd !== 'number') problems.push(`the run's costUsd is ${JSON.stringify(summary.costUsd)}, not a price`);
for (const phase of summary.phases ?? []) if (typeof phase.costUsd !== 'number') problems.push(`phase ${phase.id} has no costUsd`);
for (const task of tasks) if (typeof task.costUsd !== 'number') problems.push(`${task.id} has no costUsd`);
const html = path.join(runsDir, runId, 'summary.html');
if (!existsSync(html) || statSync(html).size > 2 * 1024 * 1024) problems.push(`summary.html is missing or over 2 MB`);
if (problems.length > 0) fail(problems.join('\n'));
const log = spawnSync('git', ['-C', workspace, 'log', '--format=%s'], { encoding: 'utf8' }).stdout.trim().split('\n');
const taskCommits = log.filter((line) => /^T0\d\d: /.test(line));
if (taskCommits.length !== 13) fail(`expected 13 task commits in the workspace, found ${taskCommits.length}`);
console.log(`13 tasks succeeded, 13 commits, every check ran (${((Date.now() - started) / 1000).toFixed(1)} s)`);
// The closing line CI reads: one per task.
console.log('e2e: 13 passed, 0 failed');

function fail(message) {
  console.error(`e2e failed: ${message}\n(workspace: ${workspace}, reports: ${reports})`);
  process.exit(1);
}
