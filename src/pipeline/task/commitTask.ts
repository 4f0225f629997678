// The last step of a verified task: nothing outside its outputs changed, no secret of the
// runner's environment is in them, then exactly one commit (or none, when the bytes are
// those already committed), recorded so later tasks and the cache see it.
import type { AgentDefinition, TaskSpec } from '../../config/types.js';
import type { TaskOutcome } from '../../scheduler/index.js';
import { outputsHoldingSecrets } from '../secretScan.js';
import type { ScopeOutcome, TaskRunnerDeps } from '../taskRunner.js';

export interface CommitStep {
  task: TaskSpec;
  agent: AgentDefinition;
  model: string;
  inputHash: string;
  tokens: number;
  /** The scope check of the task runner, which knows the tasks running alongside. */
  checkScope(task: TaskSpec): Promise<ScopeOutcome>;
}

export async function commitTask(deps: TaskRunnerDeps, step: CommitStep): Promise<TaskOutcome> {
  const { task } = step;
  const scope = await step.checkScope(task);
  if (scope.failed) return scope.failed;
  const holdingSecrets = await outputsHoldingSecrets(deps.workspaceDir, task.outputs, scope.changes, deps.env);
  if (holdingSecrets.length > 0) {
    return {
      state: 'failed',
      reason: `outputs hold the value of a secret from the runner's environment (${holdingSecrets.join(', ')}): not committed; set aside with the value redacted`,
    };
  }
  const commit = await deps.commitQueue.commitTask({
    taskId: task.id,
    title: task.title,
    agent: step.agent.name,
    model: step.model,
    runId: deps.runId,
    tokens: step.tokens,
    outputs: task.outputs,
    trailers: {
      'Input-Hash': step.inputHash,
      ...(deps.editedOnResume?.has(task.id) ? { 'Resumed-With-Edits': 'outputs were edited by hand while the run was stopped' } : {}),
    },
  });
  if (commit) {
    deps.scopeGuard.committed(commit.sha);
    deps.taskCommits.set(task.id, { sha: commit.sha, inputHash: step.inputHash, runId: deps.runId });
    deps.emit({ type: 'task:commit', at: deps.now().toISOString(), task: task.id, commit });
    return { state: 'succeeded' };
  }
  // Same bytes as already committed: the task still succeeded, and its last commit stands.
  return { state: 'succeeded', reason: 'outputs identical to the last commit; nothing to commit' };
}
