import { describe, expect, it } from 'vitest';
import { executeGraph } from '../../src/scheduler/index.js';
import type { TaskOutcome } from '../../src/scheduler/index.js';
import { FLUX_PHASES, createHarness, fluxGraph, tick } from './harness.js';

const failing =
  (failed: string, reason = 'verify failed') =>
  (id: string): TaskOutcome =>
    id === failed ? { state: 'failed', reason } : { state: 'succeeded' };

describe('executeGraph: failure propagation', () => {
  it('blocks the gated task and its tests when a model fails; independent work goes on', async () => {
    const harness = createHarness({ auto: failing('T011', 'python-syntax: model.py line 3') });
    const result = await executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 2, ...harness });

    expect(result.status).toBe('failed');
    expect(result.states).toMatchObject({
      T011: 'failed',
      T015: 'blocked',
      T003: 'blocked',
      T004: 'blocked',
      T005: 'succeeded',
      T012: 'succeeded',
      T013: 'succeeded',
      T014: 'succeeded',
    });
    expect(harness.stateEvents('T011').at(-1)).toMatchObject({ previous: 'running', reason: 'python-syntax: model.py line 3' });
    expect(harness.stateEvents('T015')).toEqual([expect.objectContaining({ previous: 'pending', state: 'blocked', reason: 'needs T011, which failed' })]);
    expect(harness.stateEvents('T003').at(-1)?.reason).toBe('needs T015, which is blocked (T011 failed)');
    for (const id of ['T015', 'T003', 'T004']) expect(harness.hasStarted(id)).toBe(false);
    expect(harness.hasStarted('T005')).toBe(true);
    // Phases whose tasks ended blocked still end exactly once.
    expect(harness.events.filter((event) => event.type === 'phase:end').map((event) => 'phase' in event && event.phase)).toEqual(FLUX_PHASES);
  });

  it('blocks dependents at once, while the failed task’s siblings are still running', async () => {
    const harness = createHarness();
    const run = executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 8, ...harness });
    for (const id of ['T006', 'T007', 'T008', 'T009', 'T010']) {
      await harness.started(id);
      harness.finish(id);
    }
    await harness.started('T011');
    harness.finish('T011', { state: 'failed', reason: 'boom' });
    await tick();
    expect(harness.stateEvents('T015').at(-1)?.state).toBe('blocked');
    expect(harness.running()).toEqual(expect.arrayContaining(['T012', 'T013', 'T014']));
    for (const id of ['T012', 'T013', 'T014', 'T005']) {
      await harness.started(id);
      harness.finish(id);
    }
    expect((await run).status).toBe('failed');
  });

  it('records a runTask that throws as failed with the error message, and carries on', async () => {
    const harness = createHarness();
    const tasks = [
      { id: 'A', phase: 'configs', needs: [] },
      { id: 'B', phase: 'configs', needs: [] },
      { id: 'C', phase: 'models', needs: ['A'] },
    ];
    const run = executeGraph({ tasks, phases: FLUX_PHASES, concurrency: 2, ...harness });
    await harness.started('A');
    harness.throwIn('A', new Error('socket hang up'));
    await harness.started('B');
    harness.finish('B');
    const result = await run;
    expect(result.states).toEqual({ A: 'failed', B: 'succeeded', C: 'blocked' });
    expect(harness.stateEvents('A').at(-1)?.reason).toBe('socket hang up');
  });

  it('treats a synchronous throw and a malformed outcome as failures too', async () => {
    const tasks = [
      { id: 'A', phase: 'configs', needs: [] },
      { id: 'B', phase: 'configs', needs: [] },
    ];
    const events: { task: string; reason?: string }[] = [];
    const result = await executeGraph({
      tasks,
      phases: FLUX_PHASES,
      concurrency: 2,
      runTask: (task) => {
        if (task.id === 'A') throw new TypeError('not a function');
        return Promise.resolve({ state: 'done' } as unknown as TaskOutcome);
      },
      emit: (event) => {
        if (event.type === 'task:state' && event.state === 'failed') events.push({ task: event.task, reason: event.reason });
      },
    });
    expect(result.states).toEqual({ A: 'failed', B: 'failed' });
    expect(events).toEqual([
      { task: 'A', reason: 'not a function' },
      { task: 'B', reason: 'runTask returned an invalid outcome: {"state":"done"}' },
    ]);
  });

  it('rejects after running tasks settle when an event subscriber throws', async () => {
    const harness = createHarness();
    const tasks = [
      { id: 'A', phase: 'configs', needs: [] },
      { id: 'B', phase: 'configs', needs: [] },
      { id: 'C', phase: 'models', needs: ['A'] },
    ];
    const run = executeGraph({
      tasks,
      phases: FLUX_PHASES,
      concurrency: 2,
      runTask: harness.runTask,
      emit: (event) => {
        harness.emit(event);
        if (event.type === 'task:state' && event.task === 'A' && event.state === 'succeeded') throw new Error('disk full');
      },
    });
    const ctxB = await harness.started('B');
    harness.finish('A');
    await expect(run).rejects.toThrow('disk full');
    expect(ctxB.signal.aborted).toBe(true);
    expect(harness.hasStarted('C')).toBe(false);
  });
});

describe('executeGraph: failFast', () => {
  it('stops dispatching, aborts running tasks and marks not-started tasks blocked', async () => {
    const harness = createHarness();
    const run = executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 3, failFast: true, ...harness });
    const [ctx6, ctx7] = await Promise.all([harness.started('T006'), harness.started('T007'), harness.started('T008')]);
    harness.finish('T008', { state: 'failed', reason: 'pbtxt invalid' });
    const result = await run;

    expect(ctx6.signal.aborted && ctx7.signal.aborted).toBe(true);
    expect(result.status).toBe('failed');
    expect(result.states).toMatchObject({ T006: 'interrupted', T007: 'interrupted', T008: 'failed', T009: 'blocked', T015: 'blocked' });
    expect(harness.stateEvents('T006').at(-1)?.reason).toBe('stopped: fail-fast after T008 failed');
    expect(harness.stateEvents('T009').at(-1)?.reason).toBe('not started: fail-fast after T008 failed');
    // Direct dependents keep the precise reason.
    expect(harness.stateEvents('T015').at(-1)?.reason).toBe('needs T008, which failed');
    expect(harness.log.filter((entry) => entry.startsWith('start:'))).toHaveLength(3);
    expect(Object.values(result.states)).not.toContain('pending');
  });

  it('records what an aborted task returns, even success', async () => {
    const harness = createHarness({ onAbort: () => ({ state: 'succeeded' }) });
    const tasks = [
      { id: 'A', phase: 'configs', needs: [] },
      { id: 'B', phase: 'configs', needs: [] },
      { id: 'C', phase: 'models', needs: ['B'] },
    ];
    const run = executeGraph({ tasks, phases: FLUX_PHASES, concurrency: 2, failFast: true, ...harness });
    await harness.started('B');
    harness.finish('A', { state: 'failed', reason: 'x' });
    const result = await run;
    expect(result.states).toEqual({ A: 'failed', B: 'succeeded', C: 'blocked' });
  });
});
