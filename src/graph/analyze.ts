// Everything `plan` shows and the scheduler needs to know about the shape of a task
// graph, computed once: order, phases, levels, width, critical path, and traversals.

import type { CriticalPath } from './criticalPath.js';
import { longestPath } from './criticalPath.js';
import { findCycles } from './cycles.js';
import { buildReachability, type Reachability } from './reachability.js';
import { indexTasks, type GraphInput, type TaskIndex } from './taskIndex.js';
import { topologicalOrder } from './topologicalOrder.js';

export interface PhaseTasks {
  id: string;
  title: string;
  /** The phase's tasks in topological order. */
  tasks: string[];
}

export interface GraphAnalysis {
  /** Every task id, each after all it needs; ties by phase order, then file order. */
  order: string[];
  phases: PhaseTasks[];
  /** Direct needs (deduplicated) and direct dependents (file order) of each task. */
  needs: ReadonlyMap<string, readonly string[]>;
  dependents: ReadonlyMap<string, readonly string[]>;
  /**
   * Earliest-start level: 0 for tasks that need nothing, else 1 + the highest level of
   * their needs. Tasks in one level never need each other, so they can run side by side.
   */
  levelOf: ReadonlyMap<string, number>;
  /** levels[k] = the tasks at level k, in topological order. */
  levels: string[][];
  /**
   * The largest level: how many tasks run at once under unlimited concurrency when every
   * task takes the same time. (Not the maximum antichain, which can be larger and is
   * costlier to compute; this is the number a user tuning `--concurrency` wants.)
   */
  width: number;
  /** Longest chain of needs by number of tasks. */
  longestChain: CriticalPath;
  /**
   * Longest chain weighted by `estimate` (minutes) when every task has one; otherwise
   * the same as `longestChain` (every task weighs 1), with `basis: 'count'`.
   */
  criticalPath: CriticalPath;
  /** Tasks without an `estimate` (empty when the critical path is estimate-weighted). */
  missingEstimates: string[];
  /** Every task `id` needs directly or indirectly, in topological order. */
  ancestors(id: string): string[];
  /** Every task that needs `id` directly or indirectly, in topological order (for `--downstream`). */
  transitiveDependents(id: string): string[];
  /** Whether two tasks may run at the same time (neither needs the other, even indirectly). Built on first use. */
  canRunConcurrently(a: string, b: string): boolean;
}

/** Thrown for graphs the loader would have rejected: unknown needs or cycles. */
export class InvalidGraphError extends Error {
  override name = 'InvalidGraphError';
}

/** @throws InvalidGraphError when a need names no task or the needs form a cycle */
export function analyzeGraph(graph: GraphInput): GraphAnalysis {
  let index: TaskIndex;
  try {
    index = indexTasks(graph, 'throw');
  } catch (error) {
    throw new InvalidGraphError((error as Error).message);
  }
  const orderIndices = topologicalOrder(index);
  if (orderIndices.length < index.ids.length) {
    const cycle = findCycles(index)[0] ?? [];
    const names = [...cycle, cycle[0] as number].map((i) => index.ids[i]);
    throw new InvalidGraphError(`the needs form a cycle: ${names.join(' → ')}`);
  }
  const { ids } = index;
  const idsOf = (list: readonly number[]) => list.map((i) => ids[i] as string);
  const order = idsOf(orderIndices);
  const position = new Int32Array(ids.length);
  orderIndices.forEach((task, p) => {
    position[task] = p;
  });

  const level = new Int32Array(ids.length);
  const levels: string[][] = [];
  for (const v of orderIndices) {
    let l = 0;
    for (const u of index.needs[v] as readonly number[]) l = Math.max(l, (level[u] as number) + 1);
    level[v] = l;
    (levels[l] ??= []).push(ids[v] as string);
  }

  const phases: PhaseTasks[] = graph.phases.map((p) => ({ id: p.id, title: p.title, tasks: [] }));
  const phaseById = new Map(phases.map((p) => [p.id, p] as const));
  for (const v of orderIndices) phaseById.get(graph.tasks[v]?.phase ?? '')?.tasks.push(ids[v] as string);

  const longestChain = longestPath(index, orderIndices, () => 1, 'count');
  const missingEstimates = graph.tasks.filter((t) => t.estimate === undefined).map((t) => t.id);
  const criticalPath =
    missingEstimates.length === 0 && ids.length > 0 ? longestPath(index, orderIndices, (v) => graph.tasks[v]?.estimate ?? 1, 'estimate') : longestChain;

  const lookup = (id: string) => {
    const i = index.indexOf.get(id);
    if (i === undefined) throw new InvalidGraphError(`unknown task ${id}`);
    return i;
  };
  const closure = (id: string, edges: TaskIndex['needs']) => {
    const seen = new Set<number>();
    const stack = [lookup(id)];
    while (stack.length > 0) {
      for (const next of edges[stack.pop() as number] as readonly number[]) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return idsOf([...seen].sort((a, b) => (position[a] as number) - (position[b] as number)));
  };
  let reachability: Reachability | undefined;

  return {
    order,
    phases,
    needs: new Map(ids.map((id, i) => [id, idsOf(index.needs[i] as readonly number[])])),
    dependents: new Map(ids.map((id, i) => [id, idsOf(index.dependents[i] as readonly number[])])),
    levelOf: new Map(ids.map((id, i) => [id, level[i] as number])),
    levels,
    width: levels.reduce((max, l) => Math.max(max, l.length), 0),
    longestChain,
    criticalPath,
    missingEstimates,
    ancestors: (id) => closure(id, index.needs),
    transitiveDependents: (id) => closure(id, index.dependents),
    canRunConcurrently: (a, b) => {
      reachability ??= buildReachability(index, orderIndices);
      return reachability.canRunConcurrently(lookup(a), lookup(b));
    },
  };
}
