import { describe, expect, it } from 'vitest';
import { executeGraph } from '../../src/scheduler/index.js';
import { FLUX_PHASES, createHarness, edgeViolations, fluxGraph, succeedAll, tick } from './harness.js';

const FIXED_NOW = new Date('2025-01-01T00:00:00.000Z');

describe('executeGraph: dependency order', () => {
  it('runs every task of the FLUX graph after all of its needs ended', async () => {
    const harness = createHarness({ auto: succeedAll, delayTicks: (id) => (id.charCodeAt(3) % 3) + 1 });
    const tasks = fluxGraph();
    const result = await executeGraph({ tasks, phases: FLUX_PHASES, concurrency: 3, ...harness, now: () => FIXED_NOW });

    expect(result.status).toBe('succeeded');
    expect(Object.values(result.states).every((state) => state === 'succeeded')).toBe(true);
    expect(edgeViolations(tasks, harness.log)).toEqual([]);
    expect(harness.events.every((event) => event.at === FIXED_NOW.toISOString())).toBe(true);
  });

  it('starts the gated task only after all five of its needs ended', async () => {
    const harness = createHarness();
    const run = executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 8, ...harness });
    for (const id of ['T006', 'T007', 'T008', 'T009', 'T010']) {
      await harness.started(id);
      harness.finish(id);
    }
    for (const id of ['T011', 'T012', 'T013']) {
      await harness.started(id);
      harness.finish(id);
    }
    await tick();
    expect(harness.hasStarted('T015')).toBe(false);
    await harness.started('T014');
    harness.finish('T014');
    await harness.started('T015');
    const gatedStart = harness.log.indexOf('start:T015');
    for (const need of ['T008', 'T011', 'T012', 'T013', 'T014']) {
      expect(harness.log.indexOf(`end:${need}`)).toBeLessThan(gatedStart);
    }
    for (const id of ['T015', 'T003', 'T004', 'T005']) harness.finish(id);
    expect((await run).status).toBe('succeeded');
  });

  it('dispatches ready tasks in a stable order: topological, then phase, then input order', async () => {
    const harness = createHarness({ auto: succeedAll });
    const tasks = [
      { id: 'late-test', phase: 'tests', needs: [] },
      { id: 'b-config', phase: 'configs', needs: [] },
      { id: 'a-config', phase: 'configs', needs: [] },
      { id: 'model', phase: 'models', needs: ['b-config'] },
    ];
    await executeGraph({ tasks, phases: FLUX_PHASES, concurrency: 1, ...harness });
    expect(harness.log.filter((entry) => entry.startsWith('start:'))).toEqual(['start:b-config', 'start:a-config', 'start:model', 'start:late-test']);
  });
});

describe('executeGraph: concurrency', () => {
  it.each([1, 2, 3])('keeps at most %i runTask calls in flight, and uses them all', async (limit) => {
    const harness = createHarness({ auto: succeedAll, delayTicks: () => 2 });
    const result = await executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: limit, ...harness });
    expect(result.peakInFlight).toBe(limit);
    expect(result.status).toBe('succeeded');
  });

  it('reaches the graph width (5) when concurrency is unlimited', async () => {
    const harness = createHarness({ auto: succeedAll, delayTicks: () => 2 });
    const result = await executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: Infinity, ...harness });
    expect(result.peakInFlight).toBe(5);
  });

  it('rejects a concurrency below 1', async () => {
    const harness = createHarness();
    await expect(executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 0, ...harness })).rejects.toThrow(/concurrency must be a whole number/);
  });
});

describe('executeGraph: phases', () => {
  it('emits phase:start and phase:end once each, in order, around the phase tasks', async () => {
    const harness = createHarness({ auto: succeedAll });
    await executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 1, ...harness });
    const phaseEvents = harness.events
      .filter((event) => event.type === 'phase:start' || event.type === 'phase:end')
      .map((event) => `${event.type} ${'phase' in event ? event.phase : ''}`);
    expect(phaseEvents).toEqual(['phase:start configs', 'phase:end configs', 'phase:start models', 'phase:end models', 'phase:start tests', 'phase:end tests']);
    // Every task event of a phase sits between its start and its end.
    for (const phase of FLUX_PHASES) {
      const start = harness.events.findIndex((event) => event.type === 'phase:start' && event.phase === phase);
      const end = harness.events.findIndex((event) => event.type === 'phase:end' && event.phase === phase);
      const phaseTasks = new Set(
        fluxGraph()
          .filter((task) => task.phase === phase)
          .map((task) => task.id),
      );
      harness.events.forEach((event, index) => {
        if (event.type === 'task:state' && phaseTasks.has(event.task)) {
          expect(index).toBeGreaterThan(start);
          expect(index).toBeLessThan(end);
        }
      });
    }
  });

  it('overlaps phases without barriers, yet emits each start and end once, ends in phase order', async () => {
    const harness = createHarness({ auto: succeedAll, delayTicks: (id) => (id === 'T010' ? 6 : 1) });
    await executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 8, ...harness });
    const phaseEvents = harness.events
      .filter((event) => event.type === 'phase:start' || event.type === 'phase:end')
      .map((event) => `${event.type} ${'phase' in event ? event.phase : ''}`);
    // While T010 (configs) still runs, T011 (models) and T005 (tests, needs T013 only) start.
    expect(phaseEvents).toEqual(['phase:start configs', 'phase:start models', 'phase:start tests', 'phase:end configs', 'phase:end models', 'phase:end tests']);
  });

  it('records every transition with its previous state, including ctx.setState ones', async () => {
    const harness = createHarness();
    const run = executeGraph({ tasks: [{ id: 'A', phase: 'configs', needs: [] }], phases: FLUX_PHASES, concurrency: 1, ...harness });
    const ctx = await harness.started('A');
    ctx.setState('verifying');
    ctx.setState('repairing', 'attempt 1: pbtxt failed');
    ctx.setState('verifying');
    harness.finish('A');
    await run;
    ctx.setState('repairing'); // after settling: ignored
    expect(harness.stateEvents('A').map((event) => [event.previous, event.state, event.reason])).toEqual([
      ['pending', 'running', undefined],
      ['running', 'verifying', undefined],
      ['verifying', 'repairing', 'attempt 1: pbtxt failed'],
      ['repairing', 'verifying', undefined],
      ['verifying', 'succeeded', undefined],
    ]);
  });

  it('without barriers, a models task starts while other configs still run', async () => {
    const harness = createHarness();
    const run = executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 8, ...harness });
    await harness.started('T006');
    harness.finish('T006');
    await harness.started('T011');
    expect(harness.running()).toEqual(expect.arrayContaining(['T007', 'T008', 'T009', 'T010', 'T011']));
    for (const id of ['T007', 'T008', 'T009', 'T010', 'T011', 'T012', 'T013', 'T014', 'T015', 'T003', 'T004', 'T005']) {
      await harness.started(id);
      harness.finish(id);
    }
    expect((await run).status).toBe('succeeded');
  });

  it('with barriers, no models task starts before every config has finished', async () => {
    const harness = createHarness();
    const run = executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 8, phaseBarriers: true, ...harness });
    for (const id of ['T006', 'T007', 'T008', 'T009']) {
      await harness.started(id);
      harness.finish(id);
    }
    await tick();
    expect(harness.hasStarted('T011')).toBe(false);
    await harness.started('T010');
    harness.finish('T010');
    await harness.started('T011');
    const lastConfigEnd = Math.max(...['T006', 'T007', 'T008', 'T009', 'T010'].map((id) => harness.log.indexOf(`end:${id}`)));
    expect(harness.log.indexOf('start:T011')).toBeGreaterThan(lastConfigEnd);
    // T005 (tests) needs only T013, but the barrier also waits for T015 (models).
    for (const id of ['T011', 'T012', 'T013', 'T014']) {
      await harness.started(id);
      harness.finish(id);
    }
    await tick();
    expect(harness.hasStarted('T005')).toBe(false);
    await harness.started('T015');
    harness.finish('T015');
    for (const id of ['T003', 'T004', 'T005']) {
      await harness.started(id);
      harness.finish(id);
    }
    expect((await run).status).toBe('succeeded');
  });

  it('with barriers, a failure in an earlier phase blocks every later-phase task', async () => {
    const harness = createHarness({ auto: (id) => (id === 'T007' ? { state: 'failed', reason: 'bad pbtxt' } : { state: 'succeeded' }) });
    const result = await executeGraph({ tasks: fluxGraph(), phases: FLUX_PHASES, concurrency: 8, phaseBarriers: true, ...harness });
    expect(result.states.T011).toBe('blocked');
    expect(harness.stateEvents('T011').at(-1)?.reason).toBe('phase barrier: T007 in phase configs failed');
    expect(harness.stateEvents('T012').at(-1)?.reason).toBe('needs T007, which failed');
    expect(harness.hasStarted('T011')).toBe(false);
    expect(result.status).toBe('failed');
  });

  it('with barriers, refuses a task that needs a task of a later phase', async () => {
    const harness = createHarness();
    const tasks = [
      { id: 'A', phase: 'models', needs: [] },
      { id: 'B', phase: 'configs', needs: ['A'] },
    ];
    await expect(executeGraph({ tasks, phases: FLUX_PHASES, concurrency: 1, phaseBarriers: true, ...harness })).rejects.toThrow(
      /B \(phase configs\) cannot need A/,
    );
  });
});
