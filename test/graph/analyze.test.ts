import { describe, expect, it } from 'vitest';
import { analyzeGraph, InvalidGraphError } from '../../src/graph/analyze.js';
import { findCycles } from '../../src/graph/cycles.js';
import { indexTasks, type GraphTask } from '../../src/graph/taskIndex.js';
import { randomDag } from './randomDag.js';

const phases = [
  { id: 'configs', title: 'Configs' },
  { id: 'models', title: 'Models' },
  { id: 'tests', title: 'Tests' },
];
const t = (id: string, phase: string, needs: string[] = [], estimate?: number): GraphTask =>
  estimate === undefined ? { id, phase, needs } : { id, phase, needs, estimate };

/** The FLUX shape: configs, four models in parallel, a gated BLS task, tests. */
const flux = {
  phases,
  tasks: [
    t('T006', 'configs', [], 5),
    t('T007', 'configs', [], 5),
    t('T009', 'configs', [], 5),
    t('T011', 'models', ['T006'], 10),
    t('T012', 'models', ['T007'], 10),
    t('T013', 'models', ['T009'], 30),
    t('T014', 'models', [], 8),
    t('T015', 'models', ['T011', 'T012', 'T013', 'T014'], 15),
    t('T003', 'tests', ['T015'], 20),
  ],
};

function assertTopological(tasks: readonly GraphTask[], order: readonly string[]): void {
  const position = new Map(order.map((id, i) => [id, i]));
  expect(position.size).toBe(tasks.length);
  expect(order).toHaveLength(tasks.length);
  // One assertion over all edges: per-edge expect() calls would dominate the 10k test.
  const violations = tasks.flatMap((task) =>
    task.needs.filter((need) => !((position.get(need) ?? Infinity) < (position.get(task.id) ?? -1))).map((need) => `${need} → ${task.id}`),
  );
  expect(violations).toEqual([]);
}

/** Every maximal path by DFS: the reference for the DP. */
function bruteForceLongest(tasks: readonly GraphTask[], weight: (t: GraphTask) => number): number {
  const byId = new Map(tasks.map((x) => [x.id, x]));
  const longestEndingAt = (task: GraphTask): number => weight(task) + Math.max(0, ...task.needs.map((n) => longestEndingAt(byId.get(n) as GraphTask)));
  return Math.max(0, ...tasks.map(longestEndingAt));
}

function assertIsChain(tasks: readonly GraphTask[], chain: readonly string[]): void {
  const byId = new Map(tasks.map((x) => [x.id, x]));
  for (let i = 1; i < chain.length; i++) expect(byId.get(chain[i] as string)?.needs).toContain(chain[i - 1]);
}

describe('analyzeGraph on the FLUX shape', () => {
  const analysis = analyzeGraph(flux);

  it('orders by needs, then phase, then file order', () => {
    expect(analysis.order).toEqual(['T006', 'T007', 'T009', 'T011', 'T012', 'T013', 'T014', 'T015', 'T003']);
  });

  it('groups tasks by phase and lists dependents', () => {
    expect(analysis.phases.map((p) => p.tasks)).toEqual([['T006', 'T007', 'T009'], ['T011', 'T012', 'T013', 'T014', 'T015'], ['T003']]);
    expect(analysis.dependents.get('T013')).toEqual(['T015']);
    expect(analysis.dependents.get('T003')).toEqual([]);
  });

  it('computes levels and width', () => {
    expect(analysis.levels).toEqual([['T006', 'T007', 'T009', 'T014'], ['T011', 'T012', 'T013'], ['T015'], ['T003']]);
    expect(analysis.width).toBe(4);
    expect(analysis.levelOf.get('T015')).toBe(2);
  });

  it('finds the critical path by count and by estimate', () => {
    expect(analysis.longestChain).toEqual({ basis: 'count', tasks: ['T006', 'T011', 'T015', 'T003'], total: 4 });
    expect(analysis.criticalPath).toEqual({ basis: 'estimate', tasks: ['T009', 'T013', 'T015', 'T003'], total: 70 });
  });

  it('falls back to count when any estimate is missing', () => {
    const partial = analyzeGraph({ phases, tasks: flux.tasks.map((x) => (x.id === 'T014' ? t('T014', 'models') : x)) });
    expect(partial.criticalPath).toEqual(partial.longestChain);
    expect(partial.missingEstimates).toEqual(['T014']);
  });

  it('answers ancestors, transitive dependents and concurrency', () => {
    expect(analysis.ancestors('T015')).toEqual(['T006', 'T007', 'T009', 'T011', 'T012', 'T013', 'T014']);
    expect(analysis.transitiveDependents('T009')).toEqual(['T013', 'T015', 'T003']);
    expect(analysis.canRunConcurrently('T011', 'T013')).toBe(true);
    expect(analysis.canRunConcurrently('T006', 'T003')).toBe(false);
    expect(analysis.canRunConcurrently('T003', 'T006')).toBe(false);
    expect(() => analysis.ancestors('nope')).toThrow(InvalidGraphError);
  });

  it('keeps file order among ready tasks even when needs come later in the file', () => {
    const a = analyzeGraph({ phases, tasks: [t('B', 'configs', ['A']), t('C', 'configs'), t('A', 'configs')] });
    expect(a.order).toEqual(['C', 'A', 'B']);
  });

  it('rejects cycles and unknown needs', () => {
    expect(() => analyzeGraph({ phases, tasks: [t('A', 'configs', ['B']), t('B', 'configs', ['A'])] })).toThrow('the needs form a cycle: A → B → A');
    expect(() => analyzeGraph({ phases, tasks: [t('A', 'configs', ['Z'])] })).toThrow('task A needs unknown task Z');
  });

  it('handles the empty graph', () => {
    const empty = analyzeGraph({ phases, tasks: [] });
    expect(empty).toMatchObject({ order: [], levels: [], width: 0, longestChain: { tasks: [], total: 0 } });
  });
});

describe('analyzeGraph on 200 seeded random DAGs, checked by brute force', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const size = 1 + (seed % 11);
    const graph = randomDag(seed, { tasks: size, density: (seed % 5) / 6 + 0.1, withEstimates: seed % 2 === 0 });
    it(`seed ${seed} (${size} tasks)`, () => {
      const a = analyzeGraph(graph);
      assertTopological(graph.tasks, a.order);

      expect(a.longestChain.total).toBe(bruteForceLongest(graph.tasks, () => 1));
      expect(a.longestChain.tasks).toHaveLength(a.longestChain.total);
      assertIsChain(graph.tasks, a.longestChain.tasks);

      const weight = (x: GraphTask) => (a.criticalPath.basis === 'estimate' ? (x.estimate as number) : 1);
      expect(a.criticalPath.basis).toBe(seed % 2 === 0 ? 'estimate' : 'count');
      expect(a.criticalPath.total).toBe(bruteForceLongest(graph.tasks, weight));
      assertIsChain(graph.tasks, a.criticalPath.tasks);
      const byId = new Map(graph.tasks.map((x) => [x.id, x]));
      expect(a.criticalPath.tasks.reduce((sum, id) => sum + weight(byId.get(id) as GraphTask), 0)).toBe(a.criticalPath.total);

      // Levels: no task needs another in its own or a later level; width is the largest.
      for (const task of graph.tasks) for (const need of task.needs) expect(a.levelOf.get(need)).toBeLessThan(a.levelOf.get(task.id) as number);
      expect(a.width).toBe(Math.max(0, ...a.levels.map((l) => l.length)));

      // Concurrency = neither is an ancestor of the other.
      for (const x of graph.tasks) {
        const ancestors = new Set(a.ancestors(x.id));
        for (const y of graph.tasks) {
          if (x === y) continue;
          const related = ancestors.has(y.id) || a.ancestors(y.id).includes(x.id);
          expect(a.canRunConcurrently(x.id, y.id)).toBe(!related);
        }
        expect(a.transitiveDependents(x.id).every((d) => a.ancestors(d).includes(x.id))).toBe(true);
      }
    });
  }
});

describe('analyzeGraph at scale', () => {
  it('analyses a 10,000-task DAG well under a second, respecting every edge', () => {
    const graph = randomDag(42, { tasks: 10_000, density: 0.05, window: 60 });
    const edges = graph.tasks.reduce((n, x) => n + x.needs.length, 0);
    expect(edges).toBeGreaterThan(20_000);
    const started = performance.now();
    const a = analyzeGraph(graph);
    const elapsed = performance.now() - started;
    assertTopological(graph.tasks, a.order);
    expect(a.longestChain.total).toBeGreaterThan(10);
    assertIsChain(graph.tasks, a.longestChain.tasks);
    expect(elapsed).toBeLessThan(1000);
  });

  it('answers 257,000 concurrency queries on 3,000 tasks quickly (no V×V table)', () => {
    const graph = randomDag(7, { tasks: 3_000, density: 0.05, window: 40 });
    const a = analyzeGraph(graph);
    const started = performance.now();
    let concurrent = 0;
    for (let i = 0; i < 3_000; i += 7) for (let j = 0; j < 3_000; j += 5) if (a.canRunConcurrently(`t${i}`, `t${j}`)) concurrent++;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(concurrent).toBeGreaterThan(0);
    expect(a.canRunConcurrently('t10', 't10')).toBe(false); // a task never runs beside itself
  });
});

describe('findCycles', () => {
  it('reports one shortest cycle per strongly connected component, starting at its first task', () => {
    const tasks = [t('A', 'x', ['B']), t('B', 'x', ['C']), t('C', 'x', ['A', 'B']), t('D', 'x', ['D']), t('E', 'x', ['A'])];
    const index = indexTasks({ tasks, phases: [] });
    expect(findCycles(index).map((c) => c.map((i) => index.ids[i]))).toEqual([['A', 'B', 'C'], ['D']]);
  });
});
