// The linear executor against the frozen quadratic one it replaced (reference/): on random
// graphs, outcomes, timings, options and interrupts, both must start the same tasks in
// the same order and emit the same events, event for event (same reasons, same phase
// boundaries). A scheduler that drops a dependent, examines one out of dispatch order, or
// names the wrong blocking need would diverge here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/types.js';
import { executeGraph } from '../../src/scheduler/index.js';
import type { ExecuteOptions, InitialTaskState, SchedulableTask, TaskOutcome } from '../../src/scheduler/index.js';
import { ticks } from './harness.js';
import { referenceExecuteGraph } from './reference/executeGraph.js';

const PHASES = ['configs', 'models', 'tests'];
type Behaviour = 'succeed' | 'cache' | 'fail' | 'throw' | 'interrupted';

interface Scenario {
  tasks: SchedulableTask[];
  behaviour: Map<string, { kind: Behaviour; delay: number }>;
  initial: Record<string, InitialTaskState>;
  concurrency: number;
  phaseBarriers: boolean;
  failFast: boolean;
  /** Abort the run after this many macrotasks; undefined = never. */
  interruptAfter: number | undefined;
}

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .integer({ min: 1, max: 40 })
  .chain((size) =>
    fc.record({
      needDraws: fc.array(fc.array(fc.nat(5), { minLength: size, maxLength: size }), { minLength: size, maxLength: size }),
      duplicateNeed: fc.array(fc.boolean(), { minLength: size, maxLength: size }),
      phaseSteps: fc.array(fc.nat(3), { minLength: size, maxLength: size }),
      order: fc.array(fc.nat(1000), { minLength: size, maxLength: size }),
      behaviours: fc.array(fc.constantFrom<Behaviour>('succeed', 'succeed', 'succeed', 'succeed', 'succeed', 'cache', 'fail', 'throw', 'interrupted'), {
        minLength: size,
        maxLength: size,
      }),
      delays: fc.array(fc.nat(4), { minLength: size, maxLength: size }),
      initialKinds: fc.array(fc.constantFrom<InitialTaskState | 'none'>('none', 'none', 'none', 'none', 'none', 'succeeded', 'cached', 'skip'), {
        minLength: size,
        maxLength: size,
      }),
      concurrency: fc.constantFrom(1, 2, 3, 5, Infinity),
      phaseBarriers: fc.boolean(),
      failFast: fc.boolean(),
      interruptAfter: fc.option(fc.nat(12), { nil: undefined }),
    }),
  )
  .map(({ needDraws, duplicateNeed, phaseSteps, order, behaviours, delays, initialKinds, ...options }) => {
    const size = phaseSteps.length;
    const tasks: SchedulableTask[] = [];
    const phaseIndex: number[] = [];
    for (let i = 0; i < size; i++) {
      const needs = Array.from({ length: i }, (_, j) => j).filter((j) => needDraws[i]?.[j] === 0);
      const floor = Math.max(0, ...needs.map((j) => phaseIndex[j] ?? 0));
      phaseIndex.push(Math.min(2, floor + ((phaseSteps[i] ?? 0) === 3 ? 1 : 0)));
      const ids = needs.map((j) => `T${j}`);
      // A need written twice must count once.
      if (duplicateNeed[i] && ids[0]) ids.push(ids[0]);
      tasks.push({ id: `T${i}`, phase: PHASES[phaseIndex[i] ?? 0] ?? 'configs', needs: ids });
    }
    const shuffled = tasks
      .map((task, i) => ({ task, key: order[i] ?? 0 }))
      .sort((a, b) => a.key - b.key)
      .map(({ task }) => task);
    const behaviour = new Map(tasks.map((task, i) => [task.id, { kind: behaviours[i] ?? 'succeed', delay: delays[i] ?? 0 }]));
    const initial: Record<string, InitialTaskState> = {};
    tasks.forEach((task, i) => {
      const kind = initialKinds[i];
      if (kind && kind !== 'none') initial[task.id] = kind;
    });
    return { tasks: shuffled, behaviour, initial, ...options };
  });

async function run(execute: (options: ExecuteOptions) => Promise<unknown>, scenario: Scenario) {
  const log: string[] = [];
  const events: RunEvent[] = [];
  const abort = new AbortController();
  let stopTimer = false;
  const timer =
    scenario.interruptAfter === undefined
      ? Promise.resolve()
      : (async () => {
          await ticks(scenario.interruptAfter ?? 0);
          if (!stopTimer) abort.abort();
        })();
  let result: unknown;
  try {
    result = await execute({
      tasks: scenario.tasks,
      phases: PHASES,
      concurrency: scenario.concurrency,
      phaseBarriers: scenario.phaseBarriers,
      failFast: scenario.failFast,
      initial: scenario.initial,
      signal: abort.signal,
      now: () => new Date(0),
      emit: (event) => events.push(event),
      runTask: async (task, ctx): Promise<TaskOutcome> => {
        log.push(`start:${task.id}`);
        const { kind, delay } = scenario.behaviour.get(task.id) ?? { kind: 'succeed', delay: 0 };
        if (kind === 'throw' && delay === 0) throw new Error(`${task.id} threw at once`);
        await ticks(delay);
        log.push(`end:${task.id}`);
        if (ctx.signal.aborted) return { state: 'interrupted' };
        if (kind === 'throw') throw new Error(`${task.id} threw`);
        if (kind === 'fail') return { state: 'failed', reason: `${task.id} failed` };
        if (kind === 'interrupted') return { state: 'interrupted', reason: `${task.id} gave up` };
        return { state: kind === 'cache' ? 'cached' : 'succeeded' };
      },
    });
  } catch (error) {
    result = { rejected: (error as Error).message };
  }
  stopTimer = true;
  await timer;
  return { result, log, events };
}

describe('executeGraph against the reference (pre-linear) executor', () => {
  it('starts the same tasks in the same order and emits the same events', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        const linear = await run(executeGraph, scenario);
        const reference = await run(referenceExecuteGraph, scenario);
        expect(linear.log).toEqual(reference.log);
        expect(linear.events).toEqual(reference.events);
        expect(linear.result).toEqual(reference.result);
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('agrees on a wide graph whose last task needs every other one', async () => {
    const tasks: SchedulableTask[] = Array.from({ length: 300 }, (_, i) => ({ id: `W${i}`, phase: 'models', needs: i % 7 === 3 ? [`W${i - 1}`] : [] }));
    tasks.push({ id: 'ALL', phase: 'tests', needs: tasks.map((task) => task.id) });
    const behaviour = new Map(tasks.map((task, i) => [task.id, { kind: (i === 150 ? 'fail' : 'succeed') as Behaviour, delay: i % 3 }]));
    const scenario: Scenario = { tasks, behaviour, initial: {}, concurrency: 8, phaseBarriers: false, failFast: false, interruptAfter: undefined };
    const linear = await run(executeGraph, scenario);
    expect(linear).toEqual(await run(referenceExecuteGraph, scenario));
    expect((linear.result as { states: Record<string, string> }).states.ALL).toBe('blocked');
  });
});
