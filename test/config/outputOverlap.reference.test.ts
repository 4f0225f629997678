// The overlap check against brute force: on random graphs and random output globs
// (literal paths, `./` and `//` spellings, patterns at every depth, the same path written
// by chains and by independent tasks), the trie-pruned rule must report exactly the task
// pairs and glob pairs that comparing every pair of outputs of every concurrent pair of
// tasks finds. A candidate search that skips a pair that can meet fails here.
import fc from 'fast-check';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concurrentOutputsDisjoint } from '../../src/config/dependencyRules.js';
import { compileGlob, globsMayOverlap, isLiteralGlob } from '../../src/util/glob.js';
import { context } from './ruleContextFixture.js';

const segment = fc.constantFrom('a', 'b', 'src', 'x.py', 'y.log', '*', '**', '*.py', 'x?', '{a,b}', '[ab]', '.');
const glob = fc
  .tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.constantFrom('', './', ''), fc.constantFrom('/', '/', '//'))
  .map(([segments, lead, sep]) => lead + segments.join(sep));

interface Spec {
  id: string;
  needs: string[];
  outputs: string[];
}

const graph: fc.Arbitrary<Spec[]> = fc.integer({ min: 2, max: 14 }).chain((size) =>
  fc
    .tuple(
      fc.array(fc.array(fc.nat(3), { minLength: size, maxLength: size }), { minLength: size, maxLength: size }),
      fc.array(fc.array(glob, { minLength: 0, maxLength: 3 }), { minLength: size, maxLength: size }),
      fc.array(fc.boolean(), { minLength: size, maxLength: size }),
    )
    .map(([draws, outputs, shared]) =>
      Array.from({ length: size }, (_, i) => ({
        id: `T${i}`,
        needs: Array.from({ length: i }, (_, j) => `T${j}`).filter((_, j) => draws[i]?.[j] === 0),
        // Some tasks also write one shared file, so same-path groups (chained or not) occur.
        outputs: [...(outputs[i] ?? []), ...(shared[i] ? ['shared/CHANGELOG.md'] : [])],
      })),
    ),
);

function bruteForce(tasks: Spec[]): string[] {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const reaches = (from: string, to: string): boolean => (byId.get(from)?.needs ?? []).some((need) => need === to || reaches(need, to));
  const overlap = (a: string, b: string): boolean => {
    if (isLiteralGlob(a) && isLiteralGlob(b)) return posix.normalize(a) === posix.normalize(b);
    if (isLiteralGlob(a)) return compileGlob(b)(posix.normalize(a));
    if (isLiteralGlob(b)) return compileGlob(a)(posix.normalize(b));
    return globsMayOverlap(a, b);
  };
  const messages: string[] = [];
  for (let i = 0; i < tasks.length; i++) {
    for (let j = i + 1; j < tasks.length; j++) {
      const x = tasks[i] as Spec;
      const y = tasks[j] as Spec;
      if (reaches(x.id, y.id) || reaches(y.id, x.id)) continue;
      const pairs: string[] = [];
      for (const a of x.outputs) {
        for (const b of y.outputs) if (overlap(a, b)) pairs.push(a === b ? `\`${a}\`` : `\`${a}\` (${x.id}) and \`${b}\` (${y.id})`);
      }
      if (pairs.length > 0) messages.push(`tasks ${x.id} and ${y.id} can run at the same time but both may write the same files: ${pairs.join('; ')}`);
    }
  }
  return messages;
}

describe('concurrentOutputsDisjoint against brute force', () => {
  it('reports exactly the overlapping outputs of concurrent tasks', () => {
    fc.assert(
      fc.property(graph, (tasks) => {
        const ctx = context(tasks);
        concurrentOutputsDisjoint(ctx);
        expect(ctx.problems.map((p) => p.message)).toEqual(bruteForce(tasks));
      }),
      { seed: 15, numRuns: 400 },
    );
  });

  it('accepts one file written by a chain of 1,000 tasks, and names the one writer off the chain', () => {
    const tasks: Spec[] = Array.from({ length: 1000 }, (_, i) => ({
      id: `C${i}`,
      needs: i === 0 ? [] : [`C${i - 1}`],
      outputs: ['CHANGELOG.md', `src/c${i}/**`],
    }));
    let ctx = context(tasks);
    concurrentOutputsDisjoint(ctx);
    expect(ctx.problems).toEqual([]);
    tasks.push({ id: 'X', needs: ['C10'], outputs: ['./CHANGELOG.md'] });
    ctx = context(tasks);
    concurrentOutputsDisjoint(ctx);
    expect(ctx.problems).toHaveLength(1000 - 11);
    expect(ctx.problems[0]?.message).toBe(
      'tasks C11 and X can run at the same time but both may write the same files: `CHANGELOG.md` (C11) and `./CHANGELOG.md` (X)',
    );
  });
});
