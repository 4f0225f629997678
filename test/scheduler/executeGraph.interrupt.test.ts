import { describe, expect, it } from 'vitest';
import { executeGraph } from '../../src/scheduler/index.js';
import { FLUX_PHASES, createHarness, fluxGraph, tick } from './harness.js';

describe('executeGraph: interrupt', () => {
  it('aborts running tasks, dispatches nothing new, leaves the rest pending, and waits for running tasks', async () => {
    const harness = createHarness();
    const controller = new AbortController();
    const run = executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 2, signal: controller.signal, ...harness });
    await harness.started('T006');
    harness.finish('T006');
    const [ctx7, ctx8] = await Promise.all([harness.started('T007'), harness.started('T008')]);
    let settled = false;
    void run.then(() => (settled = true));
    controller.abort();
    await tick();

    expect(ctx7.signal.aborted && ctx8.signal.aborted).toBe(true);
    expect(settled).toBe(true); // the harness answers the abort at once
    const result = await run;
    expect(result.status).toBe('interrupted');
    expect(result.states).toMatchObject({ T006: 'succeeded', T007: 'interrupted', T008: 'interrupted', T009: 'pending', T011: 'pending' });
    expect(harness.stateEvents('T007').at(-1)).toMatchObject({ previous: 'running', state: 'interrupted', reason: 'run interrupted' });
    expect(harness.stateEvents('T009')).toEqual([]);
    expect(harness.stateEvents('T011')).toEqual([]);
    expect(harness.log.filter((entry) => entry.startsWith('start:'))).toEqual(['start:T006', 'start:T007', 'start:T008']);
    // Unfinished phases do not end.
    expect(harness.events.some((event) => event.type === 'phase:end')).toBe(false);
  });

  it('resolves only after a slow task has answered its abort', async () => {
    const harness = createHarness({ onAbort: () => ({ state: 'succeeded' }) });
    const controller = new AbortController();
    const tasks = [{ id: 'A', phase: 'configs', needs: [] }];
    let answerAbort!: () => void;
    const run = executeGraph({
      tasks,
      phases: FLUX_PHASES,
      concurrency: 1,
      signal: controller.signal,
      emit: harness.emit,
      runTask: (_task, ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            answerAbort = () => resolve({ state: 'interrupted', reason: 'request aborted' });
          });
        }),
    });
    let settled = false;
    void run.then(() => (settled = true));
    controller.abort();
    await tick();
    expect(settled).toBe(false);
    answerAbort();
    const result = await run;
    expect(result.status).toBe('interrupted');
    expect(harness.stateEvents('A').at(-1)?.reason).toBe('request aborted');
  });

  it('records what a task returns after the abort; status stays interrupted', async () => {
    const harness = createHarness({ onAbort: () => ({ state: 'failed', reason: 'stream cut' }) });
    const controller = new AbortController();
    const run = executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 1, signal: controller.signal, ...harness });
    await harness.started('T006');
    controller.abort();
    const result = await run;
    expect(result.states.T006).toBe('failed');
    expect(result.status).toBe('interrupted');
  });

  it('runs nothing when the signal is already aborted, but still reports resumed tasks', async () => {
    const harness = createHarness();
    const controller = new AbortController();
    controller.abort();
    const result = await executeGraph({
      tasks: fluxGraph(),
      phases: FLUX_PHASES,
      concurrency: 4,
      signal: controller.signal,
      initial: { T006: 'succeeded' },
      ...harness,
    });
    expect(harness.log).toEqual([]);
    expect(result.status).toBe('interrupted');
    expect(harness.stateEvents().map((event) => event.task)).toEqual(['T006']);
  });
});

describe('executeGraph: initial states', () => {
  it('never runs resumed or cached tasks and reports them first', async () => {
    const harness = createHarness({ auto: () => ({ state: 'succeeded' }) });
    const initial = { T006: 'succeeded', T007: 'succeeded', T008: 'cached', T009: 'succeeded', T010: 'succeeded', T011: 'succeeded' } as const;
    const result = await executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 4, initial, ...harness });

    expect(result.status).toBe('succeeded');
    for (const id of Object.keys(initial)) expect(harness.hasStarted(id)).toBe(false);
    expect(result.states).toMatchObject(initial);
    expect(harness.stateEvents('T006')).toEqual([expect.objectContaining({ previous: 'pending', state: 'succeeded', reason: 'resumed' })]);
    expect(harness.stateEvents('T008')).toEqual([expect.objectContaining({ previous: 'pending', state: 'cached', reason: 'cached' })]);
    // The all-resumed configs phase still starts and ends, before anything runs.
    const types = harness.events.map((event) => event.type + ('phase' in event ? ` ${event.phase}` : ''));
    expect(types.indexOf('phase:end configs')).toBeLessThan(harness.events.findIndex((e) => e.type === 'task:state' && e.state === 'running'));
    expect(types.filter((type) => type === 'phase:start configs')).toHaveLength(1);
  });

  it('rerun of one task: skip tasks satisfy needs, emit nothing, and are left out of the result', async () => {
    const harness = createHarness({ auto: () => ({ state: 'succeeded' }) });
    const tasks = fluxGraph();
    const initial = Object.fromEntries(tasks.filter((task) => task.id !== 'T013').map((task) => [task.id, 'skip' as const]));
    const result = await executeGraph({ tasks, phases: FLUX_PHASES, concurrency: 4, initial, ...harness });

    expect(harness.log).toEqual(['start:T013', 'end:T013']);
    expect(result).toEqual({ states: { T013: 'succeeded' }, status: 'succeeded', peakInFlight: 1 });
    expect(harness.events.map((event) => event.type + ('phase' in event ? ` ${event.phase}` : ''))).toEqual([
      'phase:start models',
      'task:state',
      'task:state',
      'phase:end models',
    ]);
  });

  it('rerun with downstream: skip the rest, run the task and its dependents', async () => {
    const harness = createHarness({ auto: () => ({ state: 'succeeded' }) });
    const tasks = fluxGraph();
    const scope = new Set(['T013', 'T015', 'T003', 'T004', 'T005']);
    const initial = Object.fromEntries(tasks.filter((task) => !scope.has(task.id)).map((task) => [task.id, 'skip' as const]));
    const result = await executeGraph({ tasks, phases: FLUX_PHASES, concurrency: 4, initial, ...harness });
    expect(Object.keys(result.states).sort()).toEqual([...scope].sort());
    expect(result.status).toBe('succeeded');
  });

  it('rejects initial states for unknown tasks', async () => {
    const harness = createHarness();
    await expect(executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 1, initial: { T999: 'succeeded' }, ...harness })).rejects.toThrow(
      /unknown task T999/,
    );
  });
});
