// The stable order in which ready tasks are dispatched: topological, ties broken by phase
// order and then by the order the tasks were written in. Computing it also re-checks the
// graph's shape, because a malformed graph would otherwise leave tasks pending forever.
import { UserError } from '../errors.js';
import type { SchedulableTask } from './types.js';

/**
 * Returns each task's dispatch rank (0 = first). Throws on duplicate ids, unknown needs,
 * unknown phases or a cycle: those are bugs in the caller, which should have validated the
 * graph already.
 */
export function dispatchRanks(tasks: readonly SchedulableTask[], phases: readonly string[]): Map<string, number> {
  const phaseIndex = new Map(phases.map((phase, index) => [phase, index]));
  const byId = new Map<string, SchedulableTask>();
  for (const task of tasks) {
    if (byId.has(task.id)) throw new Error(`scheduler: duplicate task id ${task.id}`);
    if (!phaseIndex.has(task.phase)) throw new Error(`scheduler: task ${task.id} has unknown phase ${task.phase}`);
    byId.set(task.id, task);
  }
  for (const task of tasks) {
    for (const need of task.needs) {
      if (!byId.has(need)) throw new Error(`scheduler: task ${task.id} needs unknown task ${need}`);
    }
  }

  // Kahn's algorithm with a min-heap on (phase, input position): each step takes the
  // earliest available task, in O((tasks + needs) · log tasks).
  const position = new Map(tasks.map((task, index) => [task.id, index]));
  const key = (id: string): number => (phaseIndex.get(byId.get(id)?.phase ?? '') ?? 0) * tasks.length + (position.get(id) ?? 0);
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const task of tasks) {
    const needs = new Set(task.needs);
    waitingOn.set(task.id, needs.size);
    for (const need of needs) {
      const list = dependents.get(need);
      if (list) list.push(task.id);
      else dependents.set(need, [task.id]);
    }
  }
  const heap = new MinHeap(key);
  for (const task of tasks) if (waitingOn.get(task.id) === 0) heap.push(task.id);
  const ranks = new Map<string, number>();
  for (let id = heap.pop(); id !== undefined; id = heap.pop()) {
    ranks.set(id, ranks.size);
    for (const dependent of dependents.get(id) ?? []) {
      const left = (waitingOn.get(dependent) ?? 0) - 1;
      waitingOn.set(dependent, left);
      if (left === 0) heap.push(dependent);
    }
  }
  if (ranks.size < tasks.length) {
    const stuck = tasks.filter((task) => !ranks.has(task.id)).map((task) => task.id);
    throw new Error(`scheduler: dependency cycle among ${stuck.join(', ')}`);
  }
  return ranks;
}

/** A binary min-heap of ids ordered by a numeric key. */
class MinHeap {
  readonly #items: string[] = [];
  constructor(private readonly key: (id: string) => number) {}

  push(id: string): void {
    const items = this.#items;
    items.push(id);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.key(items[parent] as string) <= this.key(id)) break;
      items[i] = items[parent] as string;
      i = parent;
    }
    items[i] = id;
  }

  pop(): string | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && this.key(items[right] as string) < this.key(items[left] as string) ? right : left;
      if (this.key(items[child] as string) >= this.key(last)) break;
      items[i] = items[child] as string;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/**
 * With phase barriers, a task that needs a task of a later phase can never start (the
 * barrier waits for its own phase, which waits for it). Refuse before anything runs.
 */
export function assertBarriersSatisfiable(tasks: readonly SchedulableTask[], phases: readonly string[]): void {
  const phaseIndex = new Map(phases.map((phase, index) => [phase, index]));
  const phaseOf = new Map(tasks.map((task) => [task.id, task.phase]));
  for (const task of tasks) {
    for (const need of task.needs) {
      const needPhase = phaseOf.get(need) ?? task.phase;
      if ((phaseIndex.get(needPhase) ?? 0) > (phaseIndex.get(task.phase) ?? 0)) {
        throw new UserError(
          `with phase barriers, ${task.id} (phase ${task.phase}) cannot need ${need} (phase ${needPhase}, a later phase)`,
          `turn phase barriers off, or move ${task.id} to phase ${needPhase} or later`,
        );
      }
    }
  }
}
