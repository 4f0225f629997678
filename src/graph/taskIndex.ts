// Integer-indexed adjacency for a task list, shared by every graph algorithm here so that
// each one works on arrays (fast, allocation-light) instead of string-keyed maps.

import type { PhaseSpec } from '../config/types.js';

/** The fields graph analysis reads; a full TaskSpec has them all. */
export interface GraphTask {
  id: string;
  phase: string;
  needs: readonly string[];
  estimate?: number;
}

export interface GraphInput {
  tasks: readonly GraphTask[];
  phases: readonly Pick<PhaseSpec, 'id' | 'title'>[];
}

export interface TaskIndex {
  ids: readonly string[];
  indexOf: ReadonlyMap<string, number>;
  /** needs[i] = indices of the tasks task i needs, in the order written. */
  needs: readonly (readonly number[])[];
  /** dependents[i] = indices of the tasks that need task i, in file order. */
  dependents: readonly (readonly number[])[];
  /** Position of each task's phase in `phases`; unknown phases sort last. */
  phaseRank: readonly number[];
}

/**
 * @param onUnknownNeed what to do with a need naming no task: the loader drops them
 *   (it reports them separately); analysis of a validated graph treats them as a bug.
 */
export function indexTasks(input: GraphInput, onUnknownNeed: 'throw' | 'ignore' = 'throw'): TaskIndex {
  const ids = input.tasks.map((t) => t.id);
  const indexOf = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!indexOf.has(id)) indexOf.set(id, i);
  });
  const phasePosition = new Map(input.phases.map((p, i) => [p.id, i] as const));
  const needs: number[][] = [];
  const dependents: number[][] = ids.map(() => []);
  // listedBy[j] = the last task that listed j: deduplicates needs in O(1), so a task
  // needing thousands of others stays linear.
  const listedBy = new Int32Array(ids.length).fill(-1);
  input.tasks.forEach((task, i) => {
    const list: number[] = [];
    for (const need of task.needs) {
      const j = indexOf.get(need);
      if (j === undefined) {
        if (onUnknownNeed === 'throw') throw new Error(`task ${task.id} needs unknown task ${need}`);
        continue;
      }
      if (listedBy[j] === i) continue;
      listedBy[j] = i;
      list.push(j);
      dependents[j]?.push(i);
    }
    needs.push(list);
  });
  const phaseRank = input.tasks.map((t) => phasePosition.get(t.phase) ?? input.phases.length);
  return { ids, indexOf, needs, dependents, phaseRank };
}
