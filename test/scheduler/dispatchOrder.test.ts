import { describe, expect, it } from 'vitest';
import { defaultConcurrency, dispatchRanks } from '../../src/scheduler/index.js';
import { FLUX_PHASES, fluxGraph } from './harness.js';

const ranked = (ranks: Map<string, number>): string[] => [...ranks.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);

describe('dispatchRanks', () => {
  it('orders the FLUX graph topologically, by phase, then by input order', () => {
    expect(ranked(dispatchRanks(fluxGraph(), FLUX_PHASES))).toEqual([
      'T006',
      'T007',
      'T008',
      'T009',
      'T010',
      'T011',
      'T012',
      'T013',
      'T014',
      'T015',
      'T003',
      'T004',
      'T005',
    ]);
  });

  it('puts an earlier phase first even when written later, but never before a need', () => {
    const tasks = [
      { id: 'test', phase: 'tests', needs: [] },
      { id: 'model', phase: 'models', needs: ['config'] },
      { id: 'config', phase: 'configs', needs: [] },
    ];
    expect(ranked(dispatchRanks(tasks, FLUX_PHASES))).toEqual(['config', 'model', 'test']);
  });

  it.each([
    [
      [
        { id: 'A', phase: 'configs', needs: [] },
        { id: 'A', phase: 'configs', needs: [] },
      ],
      /duplicate task id A/,
    ],
    [[{ id: 'A', phase: 'nope', needs: [] }], /unknown phase nope/],
    [[{ id: 'A', phase: 'configs', needs: ['Z'] }], /needs unknown task Z/],
    [
      [
        { id: 'A', phase: 'configs', needs: ['B'] },
        { id: 'B', phase: 'configs', needs: ['A'] },
      ],
      /cycle among A, B/,
    ],
  ])('refuses a malformed graph (%#)', (tasks, message) => {
    expect(() => dispatchRanks(tasks, FLUX_PHASES)).toThrow(message);
  });
});

describe('defaultConcurrency', () => {
  it('uses the graph width, at least 1 and at most 8', () => {
    expect([0, 1, 5, 8, 13].map(defaultConcurrency)).toEqual([1, 1, 5, 8, 8]);
  });
});
