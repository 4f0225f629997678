import { describe, expect, it } from 'vitest';
import { countStates, describeCounts, plainLine, reduceRunState, type RunEvent } from '../../src/events/index.js';
import { mermaidNodeIds } from '../../src/util/mermaidIds.js';

describe('the "3 succeeded, 1 failed" tally', () => {
  it('counts and words states in one fixed order, whatever order the tasks come in', () => {
    const counts = countStates([{ state: 'failed' }, { state: 'succeeded' }, { state: 'cached' }, { state: 'succeeded' }]);
    expect(describeCounts(counts)).toBe('2 succeeded, 1 cached, 1 failed');
    expect(describeCounts({})).toBe('no tasks');
  });

  it('is what the progress view prints at run:end', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const task = (id: string) => ({ id, title: id, phase: 'p', agent: 'a', needs: [] });
    const events: RunEvent[] = [
      {
        type: 'run:start',
        at,
        runId: 'r',
        graph: 'g.yaml',
        graphName: 'g',
        provider: 'scripted',
        concurrency: 2,
        tasks: [task('B'), task('A')],
        phases: [{ id: 'p', title: 'P' }],
      },
      { type: 'task:state', at, task: 'B', state: 'failed', previous: 'pending' },
      { type: 'task:state', at, task: 'A', state: 'succeeded', previous: 'pending' },
    ];
    const end: RunEvent = { type: 'run:end', at, runId: 'r', status: 'failed' };
    const state = events.reduce<ReturnType<typeof reduceRunState> | undefined>(reduceRunState, undefined) as ReturnType<typeof reduceRunState>;
    expect(plainLine(end, state)).toContain('run r failed: 1 succeeded, 1 failed');
  });
});

describe('Mermaid node ids', () => {
  it('escape, prefix and keep names apart that escape alike', () => {
    const ids = mermaidNodeIds(['a.b', 'a-b', 'end', 'a.b'], 't_');
    expect([...ids.values()]).toEqual(['t_a_b', 't_a_b_2', 't_end']);
  });
});
