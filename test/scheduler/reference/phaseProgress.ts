// Phase bookkeeping for the executor. Phases are reporting units: each one in scope gets
// exactly one phase:start (before the first task event of the phase, whatever that event
// is) and one phase:end (once all its tasks are terminal), so reports can hang off them.
import type { SchedulableTask } from '../../../src/scheduler/types.js';

export class PhaseProgress {
  readonly #phases: readonly string[];
  readonly #taskIdsByPhase = new Map<string, string[]>();
  readonly #started = new Set<string>();
  readonly #ended = new Set<string>();
  readonly #emit: (type: 'phase:start' | 'phase:end', phase: string) => void;

  /** `tasksInScope` excludes 'skip' tasks: a phase with none in scope emits nothing. */
  constructor(phases: readonly string[], tasksInScope: readonly SchedulableTask[], emit: (type: 'phase:start' | 'phase:end', phase: string) => void) {
    this.#phases = phases;
    this.#emit = emit;
    for (const task of tasksInScope) {
      const ids = this.#taskIdsByPhase.get(task.phase) ?? [];
      ids.push(task.id);
      this.#taskIdsByPhase.set(task.phase, ids);
    }
  }

  /** Call before emitting any task:state of a task in `phase`. */
  beforeTaskEvent(phase: string): void {
    if (this.#started.has(phase)) return;
    this.#started.add(phase);
    this.#emit('phase:start', phase);
  }

  /** Emits phase:end, in phase order, for every phase that has just become complete. */
  endCompletedPhases(isTerminal: (taskId: string) => boolean): void {
    for (const phase of this.#phases) {
      const ids = this.#taskIdsByPhase.get(phase);
      if (!ids || this.#ended.has(phase) || !ids.every(isTerminal)) continue;
      this.beforeTaskEvent(phase);
      this.#ended.add(phase);
      this.#emit('phase:end', phase);
    }
  }
}
