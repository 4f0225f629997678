// Seeded random DAGs for property tests: deterministic across runs and machines.

import type { GraphTask } from '../../src/graph/taskIndex.js';

/** mulberry32: tiny, fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomDagOptions {
  tasks: number;
  /** Chance of an edge between two tasks (when the earlier one is within `window`). */
  density: number;
  /** Needs only reach back this many tasks in the hidden order (keeps big graphs sparse). */
  window?: number;
  phases?: number;
  withEstimates?: boolean;
}

/**
 * Tasks are created in a hidden topological order, then shuffled so file order is not
 * already a topological order. Phases never decrease along a need (as the loader requires).
 */
export function randomDag(seed: number, options: RandomDagOptions): { tasks: GraphTask[]; phases: { id: string; title: string }[] } {
  const random = seededRandom(seed);
  const phaseCount = options.phases ?? 3;
  const phases = Array.from({ length: phaseCount }, (_, i) => ({ id: `p${i}`, title: `Phase ${i}` }));
  const window = options.window ?? options.tasks;
  const hidden: GraphTask[] = [];
  for (let i = 0; i < options.tasks; i++) {
    const needs: string[] = [];
    for (let j = Math.max(0, i - window); j < i; j++) if (random() < options.density) needs.push(`t${j}`);
    const phase = Math.min(phaseCount - 1, Math.floor((i / options.tasks) * phaseCount));
    const task: GraphTask = { id: `t${i}`, phase: `p${phase}`, needs };
    if (options.withEstimates) task.estimate = 1 + Math.floor(random() * 20);
    hidden.push(task);
  }
  for (let i = hidden.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [hidden[i], hidden[j]] = [hidden[j] as GraphTask, hidden[i] as GraphTask];
  }
  return { tasks: hidden, phases };
}
