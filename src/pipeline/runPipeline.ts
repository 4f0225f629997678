// The library entry point for a run: load and check the project, prepare the workspace,
// decide the scope, then let the scheduler drive one agent session per task while the
// event subscribers record everything. The CLI is a thin layer over this function; each
// step lives in its own file (runRequest, runWorkspace, providerLifecycle, resume/,
// runEvents, startTaskRunner, executeRun).
import path from 'node:path';
import type { RunOptions, RunSummary } from './options.js';
import { startProvider } from './providerLifecycle.js';
import { freshRunPlan, loadResumePoint, planResume } from './resume/index.js';
import { executeRun } from './executeRun.js';
import { newRunId } from './runId.js';
import { announceRun, wireRunEvents } from './runEvents.js';
import { checkRunRequest } from './runRequest.js';
import { assertUsableRunDirectories, lockWorkspace, prepareRunWorkspace, readTaskCommits } from './runWorkspace.js';
import { selectTasks, type RunScope } from './scope.js';
import { startTaskRunner } from './startTaskRunner.js';
import { closeGitShells } from '../workspace/index.js';

export async function runPipeline(options: RunOptions): Promise<RunSummary> {
  const now = options.now ?? (() => new Date());
  const env = options.env ?? process.env;
  const { graph, agents, analysis, concurrency, prices } = await checkRunRequest(options);

  const workspaceDir = path.resolve(options.workspaceDir);
  const reportsDir = path.resolve(options.reportsDir);
  assertUsableRunDirectories(workspaceDir, reportsDir);
  const resumePoint = options.resume ? await loadResumePoint(reportsDir, options.resume) : undefined;
  const runId = resumePoint?.runId ?? newRunId(now());
  const runDir = path.join(reportsDir, 'runs', runId);

  const workspace = await lockWorkspace(workspaceDir, runId);
  const provider = await startProvider(options, env, graph.dir, workspace.release);
  try {
    await prepareRunWorkspace(workspaceDir, graph, runId, resumePoint);
    const taskCommits = await readTaskCommits(workspaceDir);
    let scope: RunScope = { initial: {}, forced: new Set() };
    if (options.tasks?.length) scope = selectTasks(graph, analysis, options.tasks, options.downstream ?? false, taskCommits);
    const resume = resumePoint ? await planResume(resumePoint, graph, workspaceDir, runDir, taskCommits) : freshRunPlan();
    Object.assign(scope.initial, resume.settled);

    const events = wireRunEvents(options, runId, runDir, prices, resume);
    await announceRun(events.emit, {
      runId,
      graph,
      provider,
      concurrency,
      workspaceDir,
      lock: workspace.lock,
      resumed: !!resumePoint,
      resume,
      taskCommits,
      now,
    });
    const runner = await startTaskRunner(options, { graph, agents, workspaceDir, runId, runDir, provider, env, resume, taskCommits, scope, events, now });
    const result = await executeRun(options, { runId, runDir, graph, concurrency, scope, now }, events, runner.runTask);
    await runner.commitQueue.maintainAfterCommits();
    return {
      runId,
      status: result.status,
      // A spending limit that stopped work: the CLI reports it as a failure to finish, not a Ctrl-C.
      stoppedByBudget: events.budget.stoppedWork && result.status !== 'succeeded',
      tasks: result.states,
      runDir,
      workspaceDir,
      provider: provider.kind,
    };
  } finally {
    await provider.close();
    await workspace.release();
    // The pooled git shells end with the run, so nothing it started outlives runPipeline.
    closeGitShells();
  }
}
