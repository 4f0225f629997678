// Decides, for a task that has not started, whether it can start now, must wait, or can
// never start (blocked) — and if blocked, a reason that names the task that failed, so a
// report reader does not have to walk the graph to find the cause.
import type { TaskState } from '../../../src/events/types.js';
import type { SchedulableTask } from '../../../src/scheduler/types.js';

export type Readiness =
  | { kind: 'ready' }
  | { kind: 'waiting' }
  /** `cause` is the failed (or interrupted) task at the root of the chain. */
  | { kind: 'blocked'; reason: string; cause: string };

export interface GraphView {
  /** Undefined for 'skip' tasks (outside the run's scope, treated as satisfied). */
  state(taskId: string): TaskState | undefined;
  /** For a blocked task: the failed or interrupted task that caused it. */
  blockedCause(taskId: string): string | undefined;
  /** With phase barriers: in-scope tasks of every phase before `phase`, in dispatch order; else undefined. */
  barrierTasks(phase: string): readonly string[] | undefined;
  phaseOf(taskId: string): string;
}

const UNSUCCESSFUL: ReadonlySet<TaskState> = new Set(['failed', 'blocked', 'interrupted']);
const TERMINAL: ReadonlySet<TaskState> = new Set(['succeeded', 'cached', 'failed', 'blocked', 'interrupted']);

export function readiness(task: SchedulableTask, view: GraphView): Readiness {
  // A single unsuccessful need decides it, even while other needs are still running.
  for (const need of task.needs) {
    const state = view.state(need);
    if (state && UNSUCCESSFUL.has(state)) {
      return { kind: 'blocked', reason: `needs ${need}, which ${describeUnsuccessful(need, view)}`, cause: rootCause(need, view) };
    }
  }
  const satisfied = (id: string): boolean => {
    const state = view.state(id);
    return state === undefined || state === 'succeeded' || state === 'cached';
  };
  if (!task.needs.every(satisfied)) return { kind: 'waiting' };

  const barrier = view.barrierTasks(task.phase);
  if (barrier) {
    if (!barrier.every((id) => TERMINAL.has(view.state(id) ?? 'succeeded'))) return { kind: 'waiting' };
    const unsuccessful = barrier.find((id) => !satisfied(id));
    if (unsuccessful) {
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
