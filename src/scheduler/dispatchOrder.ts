// The stable order in which ready tasks are dispatched: topological, ties broken by phase
// order and then by the order the tasks were written in (the graph module's one
// topological order). Computing it also re-checks the graph's shape, because a malformed
// graph would otherwise leave tasks pending forever.
import { UserError } from '../errors.js';
import { indexTasks } from '../graph/taskIndex.js';
import { topologicalOrder } from '../graph/topologicalOrder.js';
import type { SchedulableTask } from './types.js';

/**
 * Returns each task's dispatch rank (0 = first). Throws on duplicate ids, unknown needs,
 * unknown phases or a cycle: those are bugs in the caller, which should have validated the
 * graph already.
 */
export function dispatchRanks(tasks: readonly SchedulableTask[], phases: readonly string[]): Map<string, number> {
  const knownPhases = new Set(phases);
  const ids = new Set<string>();
  for (const task of tasks) {
    if (ids.has(task.id)) throw new Error(`scheduler: duplicate task id ${task.id}`);
    if (!knownPhases.has(task.phase)) throw new Error(`scheduler: task ${task.id} has unknown phase ${task.phase}`);
    ids.add(task.id);
  }
  const index = indexTasks({ tasks, phases: phases.map((id) => ({ id, title: id })) }, 'ignore');
  for (const task of tasks) {
    for (const need of task.needs) {
      if (!ids.has(need)) throw new Error(`scheduler: task ${task.id} needs unknown task ${need}`);
    }
  }
  const order = topologicalOrder(index);
  if (order.length < tasks.length) {
    const placed = new Set(order);
    const stuck = tasks.filter((_, i) => !placed.has(i)).map((task) => task.id);
    throw new Error(`scheduler: dependency cycle among ${stuck.join(', ')}`);
  }
  return new Map(order.map((task, rank) => [index.ids[task] as string, rank]));
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
