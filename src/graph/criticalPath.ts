// Longest chain of needs, by task count or by estimated minutes: dynamic programming over
// a topological order, O(V + E).

import type { TaskIndex } from './taskIndex.js';

export interface CriticalPath {
  /** What `total` measures: `count` = tasks on the chain; `estimate` = their minutes. */
  basis: 'count' | 'estimate';
  /** Task ids from the first (needs nothing on the chain) to the last. */
  tasks: string[];
  total: number;
}

/**
 * @param weight per-task weight (1 for count, minutes for estimate); must be > 0
 * @param order a topological order of all tasks
 * Ties go to the chain ending at the task earliest in `order`, and at each step to the
 * need written first, so the result is deterministic.
 */
export function longestPath(index: TaskIndex, order: readonly number[], weight: (task: number) => number, basis: CriticalPath['basis']): CriticalPath {
  const n = index.ids.length;
  if (n === 0) return { basis, tasks: [], total: 0 };
  const distance = new Float64Array(n);
  const previous = new Int32Array(n).fill(-1);
  let end = order[0] as number;
  for (const v of order) {
    let best = 0;
    for (const u of index.needs[v] as readonly number[]) {
      if ((distance[u] as number) > best) {
        best = distance[u] as number;
        previous[v] = u;
      }
    }
    distance[v] = best + weight(v);
    if ((distance[v] as number) > (distance[end] as number)) end = v;
  }
  const tasks: string[] = [];
  for (let v = end; v !== -1; v = previous[v] as number) tasks.push(index.ids[v] as string);
  return { basis, tasks: tasks.reverse(), total: distance[end] as number };
}
