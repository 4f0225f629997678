// Random DAGs, outcomes, timings and options: the executor's invariants must hold for all.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunEvent, TaskState } from '../../src/events/types.js';
import { executeGraph } from '../../src/scheduler/index.js';
import type { InitialTaskState, SchedulableTask, TaskOutcome } from '../../src/scheduler/index.js';
import { ticks } from './harness.js';

const PHASES = ['configs', 'models', 'tests'];
const TERMINAL: ReadonlySet<TaskState> = new Set(['succeeded', 'cached', 'failed', 'blocked', 'interrupted']);
const SUCCESS: ReadonlySet<TaskState> = new Set(['succeeded', 'cached']);

type Behaviour = 'succeed' | 'cache' | 'fail' | 'throw';

interface Scenario {
  tasks: SchedulableTask[];
  behaviour: Map<string, { kind: Behaviour; delay: number }>;
  initial: Record<string, InitialTaskState>;
  concurrency: number;
  phaseBarriers: boolean;
  failFast: boolean;
}

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .integer({ min: 1, max: 18 })
  .chain((size) =>
    fc.record({
      // A 0 in row i, column j (j < i) makes task i need task j: about one pair in four.
      needDraws: fc.array(fc.array(fc.nat(3), { minLength: size, maxLength: size }), { minLength: size, maxLength: size }),
      phaseSteps: fc.array(fc.nat(2), { minLength: size, maxLength: size }),
      order: fc.array(fc.nat(1000), { minLength: size, maxLength: size }),
      behaviours: fc.array(fc.constantFrom<Behaviour>('succeed', 'succeed', 'succeed', 'succeed', 'succeed', 'succeed', 'cache', 'fail', 'throw'), {
        minLength: size,
        maxLength: size,
      }),
      delays: fc.array(fc.nat(3), { minLength: size, maxLength: size }),
      initialKinds: fc.array(fc.constantFrom<InitialTaskState | 'none'>('none', 'none', 'none', 'none', 'none', 'none', 'succeeded', 'skip'), {
        minLength: size,
        maxLength: size,
      }),
      concurrency: fc.constantFrom(1, 2, 3, 5, Infinity),
      phaseBarriers: fc.boolean(),
      failFast: fc.boolean(),
    }),
  )
  .map(({ needDraws, phaseSteps, order, behaviours, delays, initialKinds, concurrency, phaseBarriers, failFast }) => {
    const size = phaseSteps.length;
    // Task i may need only tasks before it (acyclic); phases never decrease along an edge,
    // so the graph is valid with phase barriers too.
    const tasks: SchedulableTask[] = [];
    const phaseIndex: number[] = [];
    for (let i = 0; i < size; i++) {
      const needs = Array.from({ length: i }, (_, j) => j).filter((j) => needDraws[i]?.[j] === 0);
      const floor = Math.max(0, ...needs.map((j) => phaseIndex[j] ?? 0));
      phaseIndex.push(Math.min(2, floor + ((phaseSteps[i] ?? 0) === 2 ? 1 : 0)));
      tasks.push({ id: `T${i}`, phase: PHASES[phaseIndex[i] ?? 0] ?? 'configs', needs: needs.map((j) => `T${j}`) });
    }
    // Present them in a shuffled input order; the executor must not rely on it.
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
    return { tasks: shuffled, behaviour, initial, concurrency, phaseBarriers, failFast };
  });

async function runScenario(scenario: Scenario) {
  const log: string[] = [];
  const events: RunEvent[] = [];
  const result = await executeGraph({
    tasks: scenario.tasks,
    phases: PHASES,
    concurrency: scenario.concurrency,
    phaseBarriers: scenario.phaseBarriers,
    failFast: scenario.failFast,
    initial: scenario.initial,
    emit: (event) => events.push(event),
    runTask: async (task, ctx): Promise<TaskOutcome> => {
      log.push(`start:${task.id}`);
      const { kind, delay } = scenario.behaviour.get(task.id) ?? { kind: 'succeed', delay: 0 };
      try {
        await ticks(delay);
        if (ctx.signal.aborted) return { state: 'interrupted' };
        if (kind === 'throw') throw new Error(`${task.id} threw`);
        if (kind === 'fail') return { state: 'failed', reason: `${task.id} failed` };
        return { state: kind === 'cache' ? 'cached' : 'succeeded' };
      } finally {
        log.push(`end:${task.id}`);
      }
    },
  });
  return { result, log, events };
}

function checkInvariants(scenario: Scenario, { result, log, events }: Awaited<ReturnType<typeof runScenario>>): void {
  const byId = new Map(scenario.tasks.map((task) => [task.id, task]));
  const skipped = new Set(Object.keys(scenario.initial).filter((id) => scenario.initial[id] === 'skip'));
  const inScope = scenario.tasks.filter((task) => !skipped.has(task.id));
  const starts = log.filter((entry) => entry.startsWith('start:'));

  // Every task in scope is reported and terminal; skip tasks are left out.
  expect(Object.keys(result.states).sort()).toEqual(inScope.map((task) => task.id).sort());
  for (const [id, state] of Object.entries(result.states)) expect(TERMINAL.has(state), `${id} is ${state}`).toBe(true);

  // Each task runs at most once; resumed and skipped tasks never run.
  expect(new Set(starts).size).toBe(starts.length);
  for (const id of Object.keys(scenario.initial)) expect(log).not.toContain(`start:${id}`);

  // Every task that ran did so after all its needs ended successfully (or were settled before the run).
  for (const entry of starts) {
    const id = entry.slice('start:'.length);
    const startIndex = log.indexOf(entry);
    for (const need of byId.get(id)?.needs ?? []) {
      if (scenario.initial[need]) continue;
      const endIndex = log.indexOf(`end:${need}`);
      expect(endIndex, `${id} started before ${need} ended`).toBeGreaterThanOrEqual(0);
      expect(endIndex).toBeLessThan(startIndex);
      expect(SUCCESS.has(result.states[need] ?? 'pending'), `${id} ran though ${need} is ${result.states[need]}`).toBe(true);
    }
    if (scenario.phaseBarriers) {
      const phase = PHASES.indexOf(byId.get(id)?.phase ?? '');
      for (const other of inScope) {
        if (PHASES.indexOf(other.phase) >= phase || scenario.initial[other.id]) continue;
        expect(log.indexOf(`end:${other.id}`), `${id} started before earlier-phase ${other.id} ended`).toBeLessThan(startIndex);
      }
    }
  }

  expect(result.peakInFlight).toBeLessThanOrEqual(scenario.concurrency);
  expect(result.peakInFlight === 0).toBe(starts.length === 0);

  // Blocked tasks never ran, and have a cause.
  const anyFailed = Object.values(result.states).includes('failed');
  for (const task of inScope) {
    if (result.states[task.id] !== 'blocked') continue;
    expect(log).not.toContain(`start:${task.id}`);
    const needUnsuccessful = task.needs.some((need) => ['failed', 'blocked', 'interrupted'].includes(result.states[need] ?? ''));
    const barrierUnsuccessful =
      scenario.phaseBarriers &&
      inScope.some((other) => PHASES.indexOf(other.phase) < PHASES.indexOf(task.phase) && !SUCCESS.has(result.states[other.id] ?? 'pending'));
    expect(needUnsuccessful || barrierUnsuccessful || (scenario.failFast && anyFailed), `${task.id} blocked without cause`).toBe(true);
  }
  if (!scenario.failFast) expect(Object.values(result.states)).not.toContain('interrupted');

  // The event stream replays to the final states, with correct `previous` on every event.
  const replay = new Map(inScope.map((task) => [task.id, 'pending' as TaskState]));
  for (const event of events) {
    if (event.type !== 'task:state') continue;
    expect(replay.has(event.task), `event for out-of-scope ${event.task}`).toBe(true);
    expect(event.previous).toBe(replay.get(event.task));
    replay.set(event.task, event.state);
  }
  expect(Object.fromEntries(replay)).toEqual(result.states);

  // Each phase with tasks in scope starts once and ends once, start first.
  for (const phase of PHASES) {
    const hasTasks = inScope.some((task) => task.phase === phase);
    const starts = events.filter((event) => event.type === 'phase:start' && event.phase === phase).length;
    const ends = events.filter((event) => event.type === 'phase:end' && event.phase === phase).length;
    expect([starts, ends]).toEqual(hasTasks ? [1, 1] : [0, 0]);
    const startAt = events.findIndex((event) => event.type === 'phase:start' && event.phase === phase);
    const endAt = events.findIndex((event) => event.type === 'phase:end' && event.phase === phase);
    expect(startAt).toBeLessThanOrEqual(endAt);
  }

  const allSucceeded = Object.values(result.states).every((state) => SUCCESS.has(state));
  expect(result.status).toBe(allSucceeded ? 'succeeded' : 'failed');
}

describe('executeGraph: random DAGs', () => {
  it('keeps its invariants for any graph, outcome, timing and options', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        checkInvariants(scenario, await runScenario(scenario));
      }),
      { numRuns: 150, seed: 20250101 },
    );
  });

  it('runs every task when all succeed, with peakInFlight within the limit', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (generated) => {
        const scenario: Scenario = {
          ...generated,
          initial: {},
          failFast: false,
          behaviour: new Map([...generated.behaviour].map(([id, b]) => [id, { ...b, kind: 'succeed' as const }])),
        };
        const outcome = await runScenario(scenario);
        checkInvariants(scenario, outcome);
        expect(outcome.result.status).toBe('succeeded');
        expect(outcome.log.filter((entry) => entry.startsWith('start:'))).toHaveLength(scenario.tasks.length);
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});
