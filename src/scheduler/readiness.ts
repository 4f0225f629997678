// Decides, for a task that has not started, whether it can start now, must wait, or can
// never start (blocked) — and if blocked, a reason that names the task that failed, so a
// report reader does not have to walk the graph to find the cause.
//
// The executor keeps the counts this needs (unfinished needs per task, whether the phase
// barrier is open), so one verdict costs O(1) unless the task is about to be blocked; the
// needs are only walked to name the one that failed.
import type { TaskState } from '../events/types.js';
import type { SchedulableTask } from './types.js';

export type Readiness =
  | { kind: 'ready' }
  | { kind: 'waiting' }
  /** `cause` is the failed (or interrupted) task at the root of the chain. */
  | { kind: 'blocked'; reason: string; cause: string };

/** With phase barriers: whether every task of the earlier phases is terminal, and the first that did not succeed. */
export type BarrierState = { open: false } | { open: true; unsuccessful?: string };

export interface GraphView {
  /** Undefined for 'skip' tasks (outside the run's scope, treated as satisfied). */
  state(taskId: string): TaskState | undefined;
  /** For a blocked task: the failed or interrupted task that caused it. */
  blockedCause(taskId: string): string | undefined;
  /** How many of the task's (distinct, in-scope) needs have not succeeded or been cached yet. */
  unfinishedNeeds(taskId: string): number;
  /** Whether some need of the task failed, was interrupted or is blocked. */
  hasUnsuccessfulNeed(taskId: string): boolean;
  /** Undefined without phase barriers. */
  barrier(phase: string): BarrierState | undefined;
  phaseOf(taskId: string): string;
}

const UNSUCCESSFUL: ReadonlySet<TaskState> = new Set(['failed', 'blocked', 'interrupted']);

export function readiness(task: SchedulableTask, view: GraphView): Readiness {
  // A single unsuccessful need decides it, even while other needs are still running; the
  // first one written is named.
  if (view.hasUnsuccessfulNeed(task.id)) {
    for (const need of task.needs) {
      const state = view.state(need);
      if (state && UNSUCCESSFUL.has(state)) {
        return { kind: 'blocked', reason: `needs ${need}, which ${describeUnsuccessful(need, view)}`, cause: rootCause(need, view) };
      }
    }
  }
  if (view.unfinishedNeeds(task.id) > 0) return { kind: 'waiting' };

  const barrier = view.barrier(task.phase);
  if (barrier) {
    if (!barrier.open) return { kind: 'waiting' };
    if (barrier.unsuccessful !== undefined) {
      const unsuccessful = barrier.unsuccessful;
      return {
        kind: 'blocked',
        reason: `phase barrier: ${unsuccessful} in phase ${view.phaseOf(unsuccessful)} ${describeUnsuccessful(unsuccessful, view)}`,
        cause: rootCause(unsuccessful, view),
      };
    }
  }
  return { kind: 'ready' };
}

/** "failed", "was interrupted" or "is blocked (T013 failed)". */
function describeUnsuccessful(taskId: string, view: GraphView): string {
  const state = view.state(taskId);
  if (state === 'failed') return 'failed';
  if (state === 'interrupted') return 'was interrupted';
  const cause = rootCause(taskId, view);
  return cause === taskId ? 'is blocked' : `is blocked (${cause} ${describeUnsuccessful(cause, view)})`;
}

function rootCause(taskId: string, view: GraphView): string {
  return view.state(taskId) === 'blocked' ? (view.blockedCause(taskId) ?? taskId) : taskId;
}
