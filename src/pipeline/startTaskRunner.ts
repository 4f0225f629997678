// The task runner of one run, given everything it reads: the project, the workspace and
// its guards, what a resume carries over, and the run's event sink and budget.
import path from 'node:path';
import type { Provider } from '../agent/index.js';
import type { AgentDefinition, TaskGraph } from '../config/types.js';
import { resolvePython } from '../verify/python.js';
import { CommitQueue, ScopeGuard } from '../workspace/index.js';
import type { RunOptions } from './options.js';
import type { ResumePlan } from './resume/index.js';
import type { RunEvents } from './runEvents.js';
import type { RunScope } from './scope.js';
import { buildSharedContext } from './sharedContext.js';
import { createTaskRunner, type TaskCommitRef } from './taskRunner.js';

export interface TaskRunnerSetting {
  graph: TaskGraph;
  agents: Map<string, AgentDefinition>;
  workspaceDir: string;
  runId: string;
  runDir: string;
  provider: Provider;
  env: NodeJS.ProcessEnv;
  resume: ResumePlan;
  taskCommits: Map<string, TaskCommitRef>;
  scope: RunScope;
  events: RunEvents;
  now: () => Date;
}

export interface StartedTaskRunner {
  runTask: ReturnType<typeof createTaskRunner>;
  /** The run's commit queue, for git's upkeep once the run is over (its commits skip it). */
  commitQueue: CommitQueue;
}

export async function startTaskRunner(options: RunOptions, run: TaskRunnerSetting): Promise<StartedTaskRunner> {
  const { graph, agents, workspaceDir, runId, runDir, provider, env, resume, taskCommits, scope, events, now } = run;
  const commitQueue = new CommitQueue(workspaceDir);
  const runTask = createTaskRunner({
    graph,
    agents,
    workspaceDir,
    runId,
    provider,
    sharedContext: await buildSharedContext(graph),
    cliModel: options.model,
    python: resolvePython(env, options.projectRoot ?? process.cwd()),
    env,
    commitQueue,
    scopeGuard: await ScopeGuard.open(workspaceDir),
    editedOnResume: new Set(resume.editedLeftovers.map((e) => e.task)),
    taskCommits,
    histories: resume.histories,
    sessionIds: resume.sessionIds,
    force: options.force ?? false,
    failedOutputsDir: path.join(runDir, 'failed'),
    forced: scope.forced,
    emit: events.emit,
    now,
    stopBeforeTurn: (task) => events.budget.stopReason(task),
  });
  return { runTask, commitQueue };
}
