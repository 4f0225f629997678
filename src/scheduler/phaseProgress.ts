// Phase bookkeeping for the executor. Phases are reporting units: each one in scope gets
// exactly one phase:start (before the first task event of the phase, whatever that event
// is) and one phase:end (once all its tasks are terminal), so reports can hang off them.
// A count of unfinished tasks per phase keeps each check O(phases), not O(tasks).
import type { SchedulableTask } from './types.js';

export class PhaseProgress {
  readonly #phases: readonly string[];
  /** In-scope tasks of each phase not yet terminal; phases without tasks in scope are absent. */
  readonly #unfinished = new Map<string, number>();
  readonly #started = new Set<string>();
  readonly #ended = new Set<string>();
  readonly #emit: (type: 'phase:start' | 'phase:end', phase: string) => void;

  /** `tasksInScope` excludes 'skip' tasks: a phase with none in scope emits nothing. */
  constructor(phases: readonly string[], tasksInScope: readonly SchedulableTask[], emit: (type: 'phase:start' | 'phase:end', phase: string) => void) {
    this.#phases = phases;
    this.#emit = emit;
    for (const task of tasksInScope) this.#unfinished.set(task.phase, (this.#unfinished.get(task.phase) ?? 0) + 1);
  }

  /** Call before emitting any task:state of a task in `phase`. */
  beforeTaskEvent(phase: string): void {
    if (this.#started.has(phase)) return;
    this.#started.add(phase);
    this.#emit('phase:start', phase);
  }

  /** Call once per task, when it becomes terminal; true when that was the phase's last one. */
  taskFinished(phase: string): boolean {
    const left = (this.#unfinished.get(phase) ?? 0) - 1;
    this.#unfinished.set(phase, left);
    return left === 0;
  }

  /** Whether every in-scope task of `phase` is terminal (true for a phase without any). */
  isFinished(phase: string): boolean {
    return (this.#unfinished.get(phase) ?? 0) <= 0;
  }

  /** Emits phase:end, in phase order, for every phase that has just become complete. */
  endCompletedPhases(): void {
    for (const phase of this.#phases) {
      if (!this.#unfinished.has(phase) || this.#ended.has(phase) || !this.isFinished(phase)) continue;
      this.beforeTaskEvent(phase);
      this.#ended.add(phase);
      this.#emit('phase:end', phase);
    }
  }
}
