// Kahn's algorithm with a stable tie-break: among tasks whose needs are all placed, the
// one in the earliest phase goes first, then the one written first in the file. The
// order therefore reads like the file whenever the file is already in dependency order.
// O((V + E) + V log V): linear apart from the heap that implements the tie-break.

import { MinHeap } from './minHeap.js';
import type { TaskIndex } from './taskIndex.js';

/** Task indices in topological order; shorter than the task list when there is a cycle. */
export function topologicalOrder(index: TaskIndex): number[] {
  const n = index.ids.length;
  // Priority = position after sorting by (phase rank, file position); precomputed once.
  const byPriority = Array.from({ length: n }, (_, i) => i).sort((a, b) => (index.phaseRank[a] as number) - (index.phaseRank[b] as number) || a - b);
  const priority = new Int32Array(n);
  byPriority.forEach((task, rank) => {
    priority[task] = rank;
  });

  const remaining = new Int32Array(n);
  const ready = new MinHeap();
  for (let i = 0; i < n; i++) {
    remaining[i] = (index.needs[i] as readonly number[]).length;
    if (remaining[i] === 0) ready.push(priority[i] as number);
  }
  const order: number[] = [];
  while (ready.size > 0) {
    const task = byPriority[ready.pop() as number] as number;
    order.push(task);
    for (const dependent of index.dependents[task] as readonly number[]) {
      remaining[dependent] = (remaining[dependent] as number) - 1;
      if (remaining[dependent] === 0) ready.push(priority[dependent] as number);
    }
  }
  return order;
}
