// Which tasks a run executes: everything (a normal run, where the cache decides), a
// selection (`--task`, optionally `--downstream`), or what a killed run left undone
// (`--resume`).
import type { TaskGraph } from '../config/types.js';
import type { GraphAnalysis } from '../graph/index.js';
import { UserError } from '../errors.js';
import type { TaskCommitRef } from './taskRunner.js';

export type InitialState = 'succeeded' | 'cached' | 'skip';

export interface RunScope {
  initial: Record<string, InitialState>;
  /** Tasks that run even when their inputs hash the same as their last commit. */
  forced: Set<string>;
}

/** `--task` ids must name tasks of the graph; checked before the workspace is touched. */
export function assertKnownTasks(graph: Pick<TaskGraph, 'tasks'>, requested: readonly string[]): void {
  const known = new Set(graph.tasks.map((t) => t.id));
  const unknown = requested.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new UserError(`unknown task ${unknown.join(', ')}`, `Known tasks: ${[...known].join(', ')}`);
  }
}

export function selectTasks(
  graph: Pick<TaskGraph, 'tasks'>,
  analysis: Pick<GraphAnalysis, 'transitiveDependents'>,
  requested: readonly string[],
  downstream: boolean,
  taskCommits: ReadonlyMap<string, TaskCommitRef>,
): RunScope {
  assertKnownTasks(graph, requested);
  const selected = new Set(requested);
  if (downstream) for (const id of requested.flatMap((r) => analysis.transitiveDependents(r))) selected.add(id);

  const problems: string[] = [];
  const missing = new Set<string>();
  for (const task of graph.tasks) {
    if (!selected.has(task.id)) continue;
    for (const need of task.needs) {
      if (!selected.has(need) && !taskCommits.has(need)) {
        problems.push(`${task.id} needs ${need}, which has never succeeded in this workspace`);
        missing.add(need);
      }
    }
  }
  if (problems.length > 0) {
    throw new UserError(problems.join('\n'), `Run ${[...missing].join(', ')} first, or the whole graph.`, 'run.needs-unbuilt');
  }
  const initial: Record<string, InitialState> = {};
  for (const task of graph.tasks) if (!selected.has(task.id)) initial[task.id] = 'skip';
  return { initial, forced: selected };
}
