// Verify a task's outputs and, while checks fail and repairs are left, send the failures
// back into the same conversation so the agent fixes its own work.
import type { SessionOutcome, TaskSession } from '../../agent/types.js';
import type { TaskSpec } from '../../config/types.js';
import type { RunEvent } from '../../events/types.js';
import type { TaskContext, TaskOutcome } from '../../scheduler/index.js';
import { checksPassed, formatRepairMessage, runChecks } from '../../verify/runChecks.js';

/** How a session that did not end its turn normally ends the task (`when` says at which step). */
export function sessionFailure(outcome: SessionOutcome, when: string): TaskOutcome {
  if (outcome.reason === 'aborted') return { state: 'interrupted', reason: `interrupted ${when}` };
  // A spending limit pauses the task at a turn boundary; `run --resume` continues it.
  if (outcome.reason === 'spending_limit') return { state: 'interrupted', reason: `${outcome.message} (${when})` };
  const detail = outcome.message ? `: ${outcome.message}` : '';
  return { state: 'failed', reason: `agent session ended with ${outcome.reason} ${when}${detail}` };
}

export interface VerifyStep {
  task: TaskSpec;
  session: TaskSession;
  ctx: TaskContext;
  workspaceDir: string;
  python: string;
  maxRepairs: number;
  emit(event: RunEvent): void;
  at(): string;
}

/** Undefined once every check passes; otherwise the outcome that ends the task. */
export async function verifyAndRepair(step: VerifyStep): Promise<TaskOutcome | undefined> {
  const { task, ctx, maxRepairs } = step;
  for (let attempt = 0; ; attempt++) {
    ctx.setState('verifying');
    const results = await runChecks(task.verify, { workspaceDir: step.workspaceDir, task, python: step.python, signal: ctx.signal });
    if (ctx.signal.aborted) return { state: 'interrupted', reason: 'interrupted during verification' };
    const passed = checksPassed(results);
    step.emit({ type: 'task:verify', at: step.at(), task: task.id, attempt: { attempt, results, passed } });
    if (passed) return undefined;
    if (attempt >= maxRepairs) {
      const failedNames = results.filter((r) => r.status === 'failed').map((r) => r.name);
      return { state: 'failed', reason: `verification failed after ${maxRepairs} repair attempt(s): ${failedNames.join('; ')}` };
    }
    ctx.setState('repairing', `repair ${attempt + 1} of ${maxRepairs}`);
    const outcome = await step.session.run(formatRepairMessage(results, attempt + 1, maxRepairs));
    if (outcome.reason !== 'end_turn') return sessionFailure(outcome, `during repair ${attempt + 1}`);
  }
}
