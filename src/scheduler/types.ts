// The scheduler's contract: what it needs to know about a task, what a task run returns,
// and what the caller gets back. Deliberately free of HTTP, git and config details so the
// executor can be driven by tests with plain objects.
import type { RunEvent, RunStatus, TaskState } from '../events/types.js';

export interface SchedulableTask {
  id: string;
  phase: string;
  needs: string[];
}

export type TaskOutcome = { state: 'succeeded' | 'cached'; reason?: string } | { state: 'failed'; reason: string } | { state: 'interrupted'; reason?: string };

/** States a running task may move through on its own before its outcome is known. */
export type ActiveTaskState = 'running' | 'verifying' | 'repairing';

export interface TaskContext {
  /** Aborted when the run is interrupted, on --fail-fast after another task failed, or on a fatal error. */
  signal: AbortSignal;
  /** Emits task:state; ignored once the task has settled, so a late call cannot rewrite history. */
  setState(state: ActiveTaskState, reason?: string): void;
  /** Reports a rate-limit (429) response; repeated reports lower the run's concurrency for a while. */
  rateLimited(): void;
}

/** How an already-settled task enters the run: 'skip' = outside the selected scope. */
export type InitialTaskState = 'succeeded' | 'cached' | 'skip';

/** Timers the concurrency governor uses; injectable so tests need not wait minutes. */
export interface GovernorTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RateLimitPolicy {
  /** Rate-limit reports within `windowMs` that trigger a reduction. Default 3. */
  threshold?: number;
  /** Default 60 000 ms. */
  windowMs?: number;
  /** How long the lowered concurrency lasts after the last reduction. Default 120 000 ms. */
  cooldownMs?: number;
  timers?: GovernorTimers;
}

export interface ExecuteOptions {
  /** A validated DAG: ids unique, needs exist, acyclic. The executor re-checks cheaply and throws otherwise. */
  tasks: SchedulableTask[];
  /** Phase ids in order. */
  phases: string[];
  /** Maximum runTask calls in flight; a whole number >= 1, or Infinity. */
  concurrency: number;
  /**
   * A task also waits until every task of every earlier phase is terminal; if any of them
   * did not succeed, it is blocked instead of started.
   */
  phaseBarriers?: boolean;
  /**
   * After the first failure: stop dispatching, abort running tasks (they record what they
   * return, normally 'interrupted'), and mark every task that has not started `blocked`
   * with reason "not started: fail-fast after T013 failed".
   */
  failFast?: boolean;
  /** Interrupt (Ctrl-C): stop dispatching, abort running tasks; tasks not started stay pending. */
  signal?: AbortSignal;
  /** Tasks settled before the run starts (resume / cache / out of scope); they never run. */
  initial?: Record<string, InitialTaskState>;
  runTask(task: SchedulableTask, ctx: TaskContext): Promise<TaskOutcome>;
  /**
   * Asked when a task's turn to start comes: a reason not to start it (a budget reached),
   * and it is recorded `interrupted` with that reason without running; undefined to run it.
   */
  holdBeforeStart?(taskId: string): string | undefined;
  /** Synchronous. An emit that throws stops the run like an interrupt, and executeGraph rejects with that error. */
  emit(event: RunEvent): void;
  /** Clock for event timestamps. */
  now?(): Date;
  rateLimit?: RateLimitPolicy;
}

export interface ExecuteResult {
  /** Final state of every task in scope; 'skip' tasks are left out. */
  states: Record<string, TaskState>;
  status: RunStatus;
  /** Maximum number of runTask calls in flight at once. */
  peakInFlight: number;
}
