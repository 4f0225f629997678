import { describe, expect, it } from 'vitest';
import { concurrentOutputsDisjoint, noCycles } from '../../src/config/dependencyRules.js';
import { context } from './ruleContextFixture.js';

describe('concurrentOutputsDisjoint', () => {
  it('finds the one colliding pair among 2,000 tasks quickly (literal and pattern outputs)', () => {
    // Two independent chains of 1,000 tasks: every task of one chain can run beside every
    // task of the other, so all cross pairs must be checked.
    const tasks = Array.from({ length: 2000 }, (_, i) => {
      const chain = i % 2;
      return { id: `T${i}`, needs: i < 2 ? [] : [`T${i - 2}`], outputs: [`chain${chain}/f${i}.py`, `logs${chain}/**/T${i}.log`] };
    });
    (tasks[1999] as { outputs: string[] }).outputs.push('chain0/f10.py');
    const ctx = context(tasks);
    const started = performance.now();
    concurrentOutputsDisjoint(ctx);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(ctx.problems.map((p) => p.message)).toEqual(['tasks T10 and T1999 can run at the same time but both may write the same files: `chain0/f10.py`']);
  });

  it('compares pattern against pattern', () => {
    const ctx = context([
      { id: 'A', needs: [], outputs: ['models/*/config.pbtxt'] },
      { id: 'B', needs: [], outputs: ['models/vae/*.pbtxt'] },
      { id: 'C', needs: [], outputs: ['models/vae/1/*.py'] },
    ]);
    concurrentOutputsDisjoint(ctx);
    expect(ctx.problems.map((p) => p.message)).toEqual([
      'tasks A and B can run at the same time but both may write the same files: `models/*/config.pbtxt` (A) and `models/vae/*.pbtxt` (B)',
    ]);
  });

  it('says nothing when there is a cycle (reported by noCycles instead)', () => {
    const ctx = context([
      { id: 'A', needs: ['B'], outputs: ['x'] },
      { id: 'B', needs: ['A'], outputs: ['x'] },
      { id: 'C', needs: [], outputs: ['x'] },
    ]);
    concurrentOutputsDisjoint(ctx);
    expect(ctx.problems).toEqual([]);
    noCycles(ctx);
    expect(ctx.problems.map((p) => p.message)).toEqual(['dependency cycle: A → B → A (each task needs the next, so none of them can start)']);
  });
});
