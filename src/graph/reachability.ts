// "Can these two tasks run at the same time?" = neither reaches the other through needs.
// Answering it for every pair (the overlapping-outputs check) uses one bitset of
// ancestors per task: O(V·E/32) to build, O(1) per query, V²/8 bytes of memory
// (12.5 MB for 10,000 tasks), which is fine for graphs of thousands of tasks.

import type { TaskIndex } from './taskIndex.js';

export interface Reachability {
  /** True when `from` transitively needs `to` (or they are the same task). */
  needsTransitively(from: number, to: number): boolean;
  canRunConcurrently(a: number, b: number): boolean;
}

/** @param order a topological order of all tasks (the graph must be acyclic) */
export function buildReachability(index: TaskIndex, order: readonly number[]): Reachability {
  const n = index.ids.length;
  const words = Math.ceil(n / 32);
  const ancestors = new Uint32Array(n * words);
  for (const v of order) {
    const row = v * words;
    for (const u of index.needs[v] as readonly number[]) {
      const source = u * words;
      for (let k = 0; k < words; k++) ancestors[row + k] = (ancestors[row + k] as number) | (ancestors[source + k] as number);
      ancestors[row + (u >>> 5)] = (ancestors[row + (u >>> 5)] as number) | (1 << (u & 31));
    }
  }
  const needsTransitively = (from: number, to: number) =>
    from === to || ((ancestors[from * words + (to >>> 5)] as number) & (1 << (to & 31))) !== 0;
  return {
    needsTransitively,
    canRunConcurrently: (a, b) => !needsTransitively(a, b) && !needsTransitively(b, a),
  };
}
