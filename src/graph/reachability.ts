// "Can these two tasks run at the same time?" = neither reaches the other through needs.
// Answered per query instead of from a V×V table (12.5 MB at 10,000 tasks, 300 MB at
// 50,000): a depth-first search from the later task (by topological position) along its
// needs, pruned at tasks placed before the earlier one, since nothing there can lead back
// to it. A task asked about again and again (say, a final task whose `**` output meets
// every other task's) gets its ancestor set computed once and kept, as a bitset of V bits,
// within a fixed memory budget.

import type { TaskIndex } from './taskIndex.js';

export interface Reachability {
  /** True when `from` transitively needs `to` (or they are the same task). */
  needsTransitively(from: number, to: number): boolean;
  canRunConcurrently(a: number, b: number): boolean;
}

/** Searches from one task before its ancestor set is worth keeping. */
const SEARCHES_BEFORE_CACHING = 4;
/** Upper bound on the memory the kept ancestor sets take together. */
const CACHE_BUDGET_BYTES = 32 * 1024 * 1024;

/** @param order a topological order of all tasks (the graph must be acyclic) */
export function buildReachability(index: TaskIndex, order: readonly number[]): Reachability {
  const n = index.ids.length;
  const position = new Int32Array(n);
  for (let p = 0; p < order.length; p++) position[order[p] as number] = p;
  const words = Math.ceil(n / 32);
  const maxCached = Math.floor(CACHE_BUDGET_BYTES / Math.max(4, words * 4));
  const searches = new Map<number, number>();
  const ancestorSets = new Map<number, Uint32Array>();
  const visited = new Int32Array(n);
  let epoch = 0;
  const stack: number[] = [];

  const ancestorsOf = (from: number): Uint32Array => {
    const bits = new Uint32Array(words);
    stack.length = 0;
    stack.push(from);
    while (stack.length > 0) {
      for (const u of index.needs[stack.pop() as number] as readonly number[]) {
        if (((bits[u >>> 5] as number) & (1 << (u & 31))) !== 0) continue;
        bits[u >>> 5] = (bits[u >>> 5] as number) | (1 << (u & 31));
        stack.push(u);
      }
    }
    return bits;
  };

  const search = (from: number, to: number): boolean => {
    epoch++;
    const floor = position[to] as number;
    stack.length = 0;
    stack.push(from);
    visited[from] = epoch;
    while (stack.length > 0) {
      for (const u of index.needs[stack.pop() as number] as readonly number[]) {
        if (u === to) return true;
        if (visited[u] === epoch || (position[u] as number) < floor) continue;
        visited[u] = epoch;
        stack.push(u);
      }
    }
    return false;
  };

  const needsTransitively = (from: number, to: number): boolean => {
    if (from === to) return true;
    // A need always comes before the task that needs it.
    if ((position[to] as number) > (position[from] as number)) return false;
    let bits = ancestorSets.get(from);
    if (!bits) {
      const count = (searches.get(from) ?? 0) + 1;
      searches.set(from, count);
      if (count <= SEARCHES_BEFORE_CACHING || ancestorSets.size >= maxCached) return search(from, to);
      bits = ancestorsOf(from);
      ancestorSets.set(from, bits);
    }
    return ((bits[to >>> 5] as number) & (1 << (to & 31))) !== 0;
  };

  return {
    needsTransitively,
    canRunConcurrently: (a, b) => !needsTransitively(a, b) && !needsTransitively(b, a),
  };
}
