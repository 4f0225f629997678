// "3 succeeded, 1 failed": how many tasks ended in each state, counted and worded in one
// place so the progress view, the run summary line and the reports always agree.
import type { TaskState } from './types.js';

export type StateCounts = Partial<Record<TaskState, number>>;

/** Outcomes first, then what was still under way; the same order everywhere. */
const COUNT_ORDER: readonly TaskState[] = ['succeeded', 'cached', 'failed', 'blocked', 'interrupted', 'running', 'verifying', 'repairing', 'pending'];

export function countStates(tasks: Iterable<{ state: TaskState }>): StateCounts {
  const counts: StateCounts = {};
  for (const task of tasks) counts[task.state] = (counts[task.state] ?? 0) + 1;
  return counts;
}

/** `3 succeeded, 1 failed` in a fixed, meaningful order; `no tasks` when empty. */
export function describeCounts(counts: StateCounts): string {
  return COUNT_ORDER.flatMap((s) => (counts[s] ? [`${counts[s]} ${s}`] : [])).join(', ') || 'no tasks';
}
