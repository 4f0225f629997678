// Test helpers for the scheduler: a runTask whose tasks finish when the test says so
// (deferreds), a log of start/end order, and the FLUX-shaped graph the runner ships with.
import type { RunEvent } from '../../src/events/types.js';
import type { SchedulableTask, TaskContext, TaskOutcome } from '../../src/scheduler/types.js';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** One macrotask: enough for every pending microtask (p-queue's hand-offs) to run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function ticks(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await tick();
}

export const FLUX_PHASES = ['configs', 'models', 'tests'];

/**
 * 5 configs; 4 models each needing one config; the gated BLS task T015 needing config T008
 * plus the 4 models; tests T003/T004 on T015 and T005 on T013 alone.
 */
export function fluxGraph(): SchedulableTask[] {
  const configs = ['T006', 'T007', 'T008', 'T009', 'T010'].map((id) => ({ id, phase: 'configs', needs: [] }));
  const models = [
    { id: 'T011', phase: 'models', needs: ['T006'] },
    { id: 'T012', phase: 'models', needs: ['T007'] },
    { id: 'T013', phase: 'models', needs: ['T009'] },
    { id: 'T014', phase: 'models', needs: ['T010'] },
    { id: 'T015', phase: 'models', needs: ['T008', 'T011', 'T012', 'T013', 'T014'] },
  ];
  const tests = [
    { id: 'T003', phase: 'tests', needs: ['T015'] },
    { id: 'T004', phase: 'tests', needs: ['T015'] },
    { id: 'T005', phase: 'tests', needs: ['T013'] },
  ];
  return [...configs, ...models, ...tests];
}

export interface HarnessOptions {
  /** When it returns an outcome the task finishes by itself after `delayTicks` macrotasks; else the test finishes it. */
  auto?(taskId: string): TaskOutcome | undefined;
  delayTicks?(taskId: string): number;
  /** What a task returns when its signal aborts; default `{ state: 'interrupted' }`. */
  onAbort?(taskId: string): TaskOutcome;
}

export interface Harness {
  runTask(task: SchedulableTask, ctx: TaskContext): Promise<TaskOutcome>;
  emit(event: RunEvent): void;
  events: RunEvent[];
  /** `start:T006`, `end:T006`, in the order they happened. */
  log: string[];
  started(taskId: string): Promise<TaskContext>;
  hasStarted(taskId: string): boolean;
  finish(taskId: string, outcome?: TaskOutcome): void;
  throwIn(taskId: string, error: unknown): void;
  running(): string[];
  stateEvents(taskId?: string): Extract<RunEvent, { type: 'task:state' }>[];
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const events: RunEvent[] = [];
  const log: string[] = [];
  const startSignals = new Map<string, Deferred<TaskContext>>();
  const finishers = new Map<string, Deferred<TaskOutcome>>();
  const inFlight = new Set<string>();
  const startSignal = (id: string): Deferred<TaskContext> => {
    let signal = startSignals.get(id);
    if (!signal) startSignals.set(id, (signal = deferred<TaskContext>()));
    return signal;
  };
  const finisher = (id: string): Deferred<TaskOutcome> => {
    let done = finishers.get(id);
    if (!done) finishers.set(id, (done = deferred<TaskOutcome>()));
    return done;
  };

  return {
    events,
    log,
    emit: (event) => events.push(event),
    async runTask(task, ctx) {
      if (log.includes(`start:${task.id}`)) throw new Error(`test harness: ${task.id} started twice`);
      log.push(`start:${task.id}`);
      inFlight.add(task.id);
      startSignal(task.id).resolve(ctx);
      const done = finisher(task.id);
      const abort = (): void => done.resolve(options.onAbort?.(task.id) ?? { state: 'interrupted' });
      if (ctx.signal.aborted) abort();
      else ctx.signal.addEventListener('abort', abort, { once: true });
      const automatic = options.auto?.(task.id);
      if (automatic) {
        void ticks(options.delayTicks?.(task.id) ?? 1).then(() => done.resolve(automatic));
      }
      try {
        return await done.promise;
      } finally {
        inFlight.delete(task.id);
        log.push(`end:${task.id}`);
      }
    },
    started: (id) => startSignal(id).promise,
    hasStarted: (id) => log.includes(`start:${id}`),
    finish: (id, outcome = { state: 'succeeded' }) => finisher(id).resolve(outcome),
    throwIn: (id, error) => finisher(id).reject(error),
    running: () => [...inFlight],
    stateEvents: (id) =>
      events.filter((event): event is Extract<RunEvent, { type: 'task:state' }> => event.type === 'task:state' && (id === undefined || event.task === id)),
  };
}

export const succeedAll = (): TaskOutcome => ({ state: 'succeeded' });

/** Asserts, for every edge, that the need ended before the dependent started. */
export function edgeViolations(tasks: readonly SchedulableTask[], log: readonly string[]): string[] {
  const violations: string[] = [];
  for (const task of tasks) {
    const start = log.indexOf(`start:${task.id}`);
    if (start < 0) continue;
    for (const need of task.needs) {
      const end = log.indexOf(`end:${need}`);
      if (end < 0 || end > start) violations.push(`${task.id} started before ${need} ended`);
    }
  }
  return violations;
}
