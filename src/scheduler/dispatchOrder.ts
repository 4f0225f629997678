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

  // Kahn's algorithm, picking the smallest (phase, input position) among the available
  // tasks each step. Quadratic, which is fine for graphs of tens or hundreds of tasks.
  const sortKey = (task: SchedulableTask, inputIndex: number): [number, number] => [
    phaseIndex.get(task.phase) ?? 0,
    inputIndex,
  ];
  const ranks = new Map<string, number>();
  while (ranks.size < tasks.length) {
    let best: { task: SchedulableTask; key: [number, number] } | undefined;
    tasks.forEach((task, inputIndex) => {
      if (ranks.has(task.id) || !task.needs.every((need) => ranks.has(need))) return;
      const key = sortKey(task, inputIndex);
      if (!best || key[0] < best.key[0] || (key[0] === best.key[0] && key[1] < best.key[1])) best = { task, key };
    });
    if (!best) {
      const stuck = tasks.filter((task) => !ranks.has(task.id)).map((task) => task.id);
      throw new Error(`scheduler: dependency cycle among ${stuck.join(', ')}`);
    }
    ranks.set(best.task.id, ranks.size);
  }
  return ranks;
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
          `run without --phase-barriers, or move ${task.id} to phase ${needPhase} or later`,
        );
      }
    }
  }
}
