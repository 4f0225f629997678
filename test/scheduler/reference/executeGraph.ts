// FROZEN REFERENCE, test-only: the executor as it was before scheduling became linear
// (it re-scans every pending task after each settle). Its behaviour is the specification
// the linear executor in src/scheduler/ is compared against, event for event, on random
// graphs (executeGraph.reference.test.ts). Do not "fix" it; do not import it from src/.
// The DAG executor: runs each task once its needs have succeeded, at most `concurrency` at
// a time, and reports every state change as a RunEvent. It knows tasks and states only;
// what running a task means (an agent session, verify, commit) is the caller's runTask.
//
// Decisions a caller may rely on:
// - phase:start comes right before the first task:state of the phase (running, resumed,
//   cached or blocked); phase:end once all its tasks are terminal. An interrupted run
//   leaves pending tasks (no event) and so emits no phase:end for unfinished phases.
// - --fail-fast marks every task that never started `blocked` (dependents of the failed
//   task with "needs T013, which failed", the rest "not started: --fail-fast after T013
//   failed"), so the run ends with no task pending and every phase ends.
// - run:start / run:end belong to the caller, which knows the run id and provider.
import PQueue from 'p-queue';
import { InterruptedError, UserError } from '../../../src/errors.js';
import type { RunEvent, RunStatus, TaskState } from '../../../src/events/types.js';
import { ConcurrencyGovernor } from '../../../src/scheduler/concurrencyGovernor.js';
import { assertBarriersSatisfiable, dispatchRanks } from './dispatchOrder.js';
import { PhaseProgress } from './phaseProgress.js';
import { readiness, type GraphView } from './readiness.js';
import type { ActiveTaskState, ExecuteOptions, ExecuteResult, SchedulableTask, TaskContext, TaskOutcome } from '../../../src/scheduler/types.js';

/** Rejects (never throws synchronously) on a malformed graph, bad options, or an emit that throws. */
export async function referenceExecuteGraph(options: ExecuteOptions): Promise<ExecuteResult> {
  return new GraphExecution(options).run();
}

/** Why dispatching stopped early; 'fatal' = an event subscriber threw. */
type StopReason = { kind: 'interrupt' } | { kind: 'fail-fast'; failedTask: string } | { kind: 'fatal' };

const ACTIVE_STATES: ReadonlySet<TaskState> = new Set<ActiveTaskState>(['running', 'verifying', 'repairing']);
const OUTCOME_STATES: ReadonlySet<string> = new Set(['succeeded', 'cached', 'failed', 'interrupted']);
const TERMINAL_STATES: ReadonlySet<TaskState> = new Set(['succeeded', 'cached', 'failed', 'blocked', 'interrupted']);

class GraphExecution {
  readonly #options: ExecuteOptions;
  /** Tasks in dispatch order: topological, then phase order, then input order. */
  readonly #ordered: SchedulableTask[];
  readonly #byId: Map<string, SchedulableTask>;
  /** In-scope tasks only; 'skip' tasks never appear here. */
  readonly #states = new Map<string, TaskState>();
  readonly #blockedCause = new Map<string, string>();
  readonly #barrierTasks = new Map<string, string[]>();
  readonly #queued = new Set<string>();
  readonly #running = new Map<string, AbortController>();
  readonly #queue: PQueue;
  readonly #governor: ConcurrencyGovernor;
  readonly #phases: PhaseProgress;
  readonly #rank: Map<string, number>;
  #stop: StopReason | undefined;
  #interrupted = false;
  #fatalError: { error: unknown } | undefined;
  #peakInFlight = 0;
  #finished = false;
  #advancing = false;
  #advanceAgain = false;
  #resolveFinished: () => void = () => undefined;

  constructor(options: ExecuteOptions) {
    const { tasks, phases, concurrency } = options;
    if (!(concurrency >= 1) || (Number.isFinite(concurrency) && !Number.isInteger(concurrency))) {
      throw new UserError(`concurrency must be a whole number of at least 1, got ${concurrency}`, 'pass --concurrency 1 or more');
    }
    this.#options = options;
    this.#rank = dispatchRanks(tasks, phases);
    if (options.phaseBarriers) assertBarriersSatisfiable(tasks, phases);
    this.#byId = new Map(tasks.map((task) => [task.id, task]));
    this.#ordered = [...tasks].sort((a, b) => (this.#rank.get(a.id) ?? 0) - (this.#rank.get(b.id) ?? 0));

    const initial = options.initial ?? {};
    for (const id of Object.keys(initial)) {
      if (!this.#byId.has(id)) throw new Error(`scheduler: initial state given for unknown task ${id}`);
    }
    const inScope = this.#ordered.filter((task) => initial[task.id] !== 'skip');
    for (const task of inScope) this.#states.set(task.id, 'pending');
    if (options.phaseBarriers) this.#computeBarriers(inScope, phases);

    this.#queue = new PQueue({ concurrency });
    this.#governor = new ConcurrencyGovernor({
      ...options.rateLimit,
      concurrency,
      setConcurrency: (limit) => {
        this.#queue.concurrency = limit;
      },
      notice: (level, message, task) => this.#emit({ type: 'run:notice', at: this.#timestamp(), level, message, ...(task ? { task } : {}) }),
      inFlight: () => this.#running.size,
    });
    this.#phases = new PhaseProgress(phases, inScope, (type, phase) => this.#emit({ type, at: this.#timestamp(), phase }));
  }

  async run(): Promise<ExecuteResult> {
    const finished = new Promise<void>((resolve) => {
      this.#resolveFinished = resolve;
    });
    this.#settleInitialTasks();

    const { signal } = this.#options;
    const onAbort = (): void => this.#onInterrupt();
    if (signal?.aborted) this.#onInterrupt();
    else signal?.addEventListener('abort', onAbort, { once: true });

    this.#advance();
    await finished;
    signal?.removeEventListener('abort', onAbort);
    this.#governor.dispose();
    if (this.#fatalError) throw this.#fatalError.error;
    return { states: Object.fromEntries(this.#states), status: this.#status(), peakInFlight: this.#peakInFlight };
  }

  #computeBarriers(inScope: readonly SchedulableTask[], phases: readonly string[]): void {
    const earlier: string[] = [];
    for (const phase of phases) {
      this.#barrierTasks.set(phase, [...earlier]);
      earlier.push(...inScope.filter((task) => task.phase === phase).map((task) => task.id));
    }
  }

  /** Resumed and cached tasks are reported first, so every report lists them. */
  #settleInitialTasks(): void {
    const initial = this.#options.initial ?? {};
    for (const task of this.#ordered) {
      const state = initial[task.id];
      if (state === 'succeeded') this.#transition(task.id, 'succeeded', 'resumed');
      if (state === 'cached') this.#transition(task.id, 'cached', 'cached');
    }
  }

  /** After any change: block what can never run, queue what can, close finished phases. */
  #advance(): void {
    // Starting a task can settle it synchronously (a runTask that throws before its first
    // await), which calls back in here mid-scan; defer that to another round instead.
    if (this.#advancing) {
      this.#advanceAgain = true;
      return;
    }
    this.#advancing = true;
    try {
      do {
        this.#advanceAgain = false;
        // A phase ends the moment its last task settles, before tasks of later phases
        // start; the second pass closes phases completed by the blocks found in the scan.
        this.#endCompletedPhases();
        if (!this.#stop) this.#scanPending({ enqueue: true });
        this.#endCompletedPhases();
      } while (this.#advanceAgain);
    } finally {
      this.#advancing = false;
    }
    this.#finishIfIdle();
  }

  #endCompletedPhases(): void {
    this.#phases.endCompletedPhases((id) => TERMINAL_STATES.has(this.#states.get(id) ?? 'pending'));
  }

  /**
   * One pass in dispatch order; because that order is topological, a block propagates to
   * every transitive dependent within the same pass.
   */
  #scanPending({ enqueue }: { enqueue: boolean }): void {
    const view = this.#graphView();
    const ready: SchedulableTask[] = [];
    for (const task of this.#ordered) {
      if (this.#states.get(task.id) !== 'pending' || this.#queued.has(task.id)) continue;
      const verdict = readiness(task, view);
      if (verdict.kind === 'blocked') {
        this.#blockedCause.set(task.id, verdict.cause);
        this.#transition(task.id, 'blocked', verdict.reason);
      } else if (verdict.kind === 'ready') {
        ready.push(task);
      }
    }
    if (!enqueue) return;
    for (const task of ready) {
      // A task started synchronously below may abort the run; stop queueing at once if so.
      if (this.#stop) break;
      if (this.#states.get(task.id) === 'pending' && !this.#queued.has(task.id)) this.#enqueue(task);
    }
  }

  #graphView(): GraphView {
    return {
      state: (id) => this.#states.get(id),
      blockedCause: (id) => this.#blockedCause.get(id),
      barrierTasks: (phase) => this.#barrierTasks.get(phase),
      phaseOf: (id) => this.#byId.get(id)?.phase ?? '',
    };
  }

  #enqueue(task: SchedulableTask): void {
    this.#queued.add(task.id);
    // Higher p-queue priority runs first, so the lowest rank gets the highest priority.
    this.#queue
      .add(() => this.#runOne(task), { priority: -(this.#rank.get(task.id) ?? 0) })
      .catch((error: unknown) => {
        // Only an executor bug lands here; stop cleanly rather than hang.
        this.#fail(error);
        this.#finishIfIdle();
      });
  }

  async #runOne(task: SchedulableTask): Promise<void> {
    this.#queued.delete(task.id);
    if (this.#stop) {
      this.#finishIfIdle();
      return;
    }
    const controller = new AbortController();
    this.#running.set(task.id, controller);
    this.#peakInFlight = Math.max(this.#peakInFlight, this.#running.size);
    this.#transition(task.id, 'running');

    let outcome: TaskOutcome;
    try {
      outcome = await this.#options.runTask(task, this.#contextFor(task, controller));
    } catch (error) {
      // A throwing runTask is that task's failure, never the executor's.
      outcome = { state: 'failed', reason: errorMessage(error) };
    }
    this.#running.delete(task.id);
    this.#settle(task, outcome);
  }

  #contextFor(task: SchedulableTask, controller: AbortController): TaskContext {
    return {
      signal: controller.signal,
      setState: (state, reason) => {
        const current = this.#states.get(task.id);
        // After the task settled (or for an unknown state) the call is stale: ignore it.
        if (!this.#running.has(task.id) || !current || !ACTIVE_STATES.has(current) || !ACTIVE_STATES.has(state)) return;
        this.#transition(task.id, state, reason);
      },
      rateLimited: () => this.#governor.reportRateLimited(task.id),
    };
  }

  #settle(task: SchedulableTask, returned: TaskOutcome): void {
    const outcome = normaliseOutcome(returned);
    const reason = outcome.state === 'interrupted' ? (outcome.reason ?? this.#stopDescription()) : outcome.reason;
    this.#transition(task.id, outcome.state, reason);
    if (outcome.state === 'failed' && this.#options.failFast && !this.#stop) this.#stopForFailFast(task.id);
    this.#advance();
  }

  #stopForFailFast(failedTask: string): void {
    this.#stopDispatching({ kind: 'fail-fast', failedTask });
    // Dependents of failed tasks get the precise reason; everything else not started says why it never ran.
    this.#scanPending({ enqueue: false });
    for (const task of this.#ordered) {
      if (this.#states.get(task.id) !== 'pending') continue;
      this.#blockedCause.set(task.id, failedTask);
      this.#transition(task.id, 'blocked', `not started: fail-fast after ${failedTask} failed`);
    }
  }

  #onInterrupt(): void {
    this.#interrupted = true;
    if (!this.#stop) this.#stopDispatching({ kind: 'interrupt' });
    this.#advance();
  }

  /** Drops queued work (those tasks stay pending) and aborts every running task. */
  #stopDispatching(reason: StopReason): void {
    this.#stop = reason;
    this.#queue.clear();
    this.#queued.clear();
    const abortReason = new InterruptedError(this.#stopDescription() ?? 'run stopped');
    for (const controller of this.#running.values()) controller.abort(abortReason);
  }

  #stopDescription(): string | undefined {
    switch (this.#stop?.kind) {
      case 'interrupt':
        return 'run interrupted';
      case 'fail-fast':
        return `stopped: fail-fast after ${this.#stop.failedTask} failed`;
      case 'fatal':
        return 'run stopped: an event subscriber failed';
      default:
        return undefined;
    }
  }

  #transition(taskId: string, state: TaskState, reason?: string): void {
    const previous = this.#states.get(taskId) ?? 'pending';
    this.#states.set(taskId, state);
    const task = this.#byId.get(taskId);
    if (task) this.#phases.beforeTaskEvent(task.phase);
    this.#emit({
      type: 'task:state',
      at: this.#timestamp(),
      task: taskId,
      state,
      previous,
      ...(reason !== undefined ? { reason } : {}),
    });
  }

  /** A subscriber that throws (say, the state file cannot be written) must not be ignored: stop and reject. */
  #emit(event: RunEvent): void {
    try {
      this.#options.emit(event);
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    this.#fatalError ??= { error };
    if (!this.#stop) this.#stopDispatching({ kind: 'fatal' });
  }

  #finishIfIdle(): void {
    if (this.#finished || this.#running.size > 0 || this.#queued.size > 0) return;
    this.#finished = true;
    this.#resolveFinished();
  }

  #status(): RunStatus {
    if ([...this.#states.values()].every((state) => state === 'succeeded' || state === 'cached')) return 'succeeded';
    return this.#interrupted ? 'interrupted' : 'failed';
  }

  #timestamp(): string {
    return (this.#options.now?.() ?? new Date()).toISOString();
  }
}

/** Guards against JavaScript callers (or a bad cast) returning something outside the type. */
function normaliseOutcome(outcome: TaskOutcome): TaskOutcome {
  const state: unknown = (outcome as { state?: unknown } | null | undefined)?.state;
  if (typeof state !== 'string' || !OUTCOME_STATES.has(state)) {
    return { state: 'failed', reason: `runTask returned an invalid outcome: ${safeJson(outcome)}` };
  }
  if (outcome.state === 'failed' && !outcome.reason) return { state: 'failed', reason: 'failed without a reason' };
  return outcome;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
