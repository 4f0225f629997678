// Rules about the shape of the dependency graph: cycles, and tasks that may run at the
// same time while owning overlapping outputs (two agents writing one file at once).

import { posix } from 'node:path';
import { findCycles } from '../graph/cycles.js';
import { buildReachability } from '../graph/reachability.js';
import { indexTasks, type TaskIndex } from '../graph/taskIndex.js';
import { topologicalOrder } from '../graph/topologicalOrder.js';
import { compileGlob, globsMayOverlap, isLiteralGlob } from '../util/glob.js';
import { configError } from './problems.js';
import type { ParsedTask, Rule, RuleContext } from './ruleContext.js';
import { forEachCandidatePair, globShape, shapesMayOverlap, type GlobShape } from './globPrefilter.js';
import { unsafeRelativePath } from './taskGraphRules.js';

function taskIndexOf(ctx: RuleContext): TaskIndex {
  const tasks = ctx.tasks.map((t) => ({ id: t.input.id, phase: t.input.phase, needs: t.input.needs }));
  return indexTasks({ tasks, phases: ctx.phases.map((p) => p.input) }, 'ignore');
}

export const noCycles: Rule = (ctx) => {
  const index = taskIndexOf(ctx);
  for (const cycle of findCycles(index)) {
    const first = ctx.tasks[cycle[0] as number] as ParsedTask;
    const next = index.ids[cycle[1 % cycle.length] as number] as string;
    const names = [...cycle, cycle[0] as number].map((i) => index.ids[i]);
    ctx.problems.push(
      configError(
        `dependency cycle: ${names.join(' → ')} (each task needs the next, so none of them can start)`,
        ctx.source.positionOf(['tasks', first.index, 'needs', first.input.needs.indexOf(next)]),
        'remove one of these needs',
      ),
    );
  }
};

interface Output {
  task: number;
  glob: string;
  /** Index in the task's `outputs`, for the position. */
  position: number;
  shape: GlobShape;
}

/**
 * Pairs that could run concurrently (neither reaches the other) must not own globs that
 * could match one path. Candidate pairs come from a trie of literal prefixes
 * (forEachCandidatePair), so globs under different directories are never compared; each
 * candidate gets the exact test (string equality for two literal paths, matching for
 * literal against pattern, globsMayOverlap for two patterns) and then the reachability
 * query. A literal path written by several tasks costs one reachability query per writer
 * when they form a chain (the usual case: each one needs the previous). Skipped when
 * there is a cycle (the cycle is reported; "concurrent" means nothing until it is fixed).
 */
export const concurrentOutputsDisjoint: Rule = (ctx) => {
  const index = taskIndexOf(ctx);
  const order = topologicalOrder(index);
  if (order.length < index.ids.length) return;
  const reach = buildReachability(index, order);
  const topoPosition = new Int32Array(index.ids.length);
  for (let p = 0; p < order.length; p++) topoPosition[order[p] as number] = p;

  const outputs: Output[] = [];
  ctx.tasks.forEach((task, t) => {
    task.input.outputs.forEach((glob, position) => {
      if (unsafeRelativePath(glob)) return; // reported by outputPaths
      outputs.push({ task: t, glob, position, shape: globShape(glob) });
    });
  });

  const collisions = new Map<string, { a: number; b: number; pairs: [Output, Output][] }>();
  const matchers = new Map<string, (path: string) => boolean>();
  const record = (x: Output, y: Output) => {
    if (!reach.canRunConcurrently(x.task, y.task)) return;
    const [a, b] = x.task < y.task ? [x, y] : [y, x];
    const key = `${a.task},${b.task}`;
    const entry = collisions.get(key) ?? { a: a.task, b: b.task, pairs: [] };
    entry.pairs.push([a, b]);
    collisions.set(key, entry);
  };
  const compare = (x: Output, y: Output) => {
    if (x.task === y.task || !shapesMayOverlap(x.shape, y.shape)) return;
    if (exactlyOverlap(x.glob, y.glob, matchers)) record(x, y);
  };
  const samePath = (group: readonly Output[]) => {
    const writers = [...new Set(group.map((output) => output.task))].sort((a, b) => (topoPosition[a] as number) - (topoPosition[b] as number));
    const chained = writers.every((task, i) => i === 0 || reach.needsTransitively(task, writers[i - 1] as number));
    if (chained) return;
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const x = group[i] as Output;
        const y = group[j] as Output;
        if (x.task !== y.task) record(x, y);
      }
    }
  };
  forEachCandidatePair(outputs, compare, samePath);

  // One problem per task pair, listing every overlapping glob pair, in file order.
  const sorted = [...collisions.values()].sort((p, q) => p.a - q.a || p.b - q.b);
  for (const { a, b, pairs } of sorted) {
    pairs.sort(([x1, y1], [x2, y2]) => x1.position - x2.position || y1.position - y2.position);
    const first = ctx.tasks[a] as ParsedTask;
    const second = ctx.tasks[b] as ParsedTask;
    const globs = pairs
      .map(([x, y]) => (x.glob === y.glob ? `\`${x.glob}\`` : `\`${x.glob}\` (${first.input.id}) and \`${y.glob}\` (${second.input.id})`))
      .join('; ');
    const at = ctx.source.positionOf(['tasks', second.index, 'outputs', (pairs[0] as [Output, Output])[1].position]);
    ctx.problems.push(
      configError(
        `tasks ${first.input.id} and ${second.input.id} can run at the same time but both may write the same files: ${globs}`,
        at,
        `add \`${first.input.id}\` to the \`needs\` of ${second.input.id} so they run one after the other, or narrow the globs so no path matches both`,
      ),
    );
  }
};

/** The exact test; a glob that does not compile never overlaps (outputPaths reports it). */
function exactlyOverlap(a: string, b: string, matchers: Map<string, (path: string) => boolean>): boolean {
  const matcher = (glob: string) => {
    let compiled = matchers.get(glob);
    if (!compiled) matchers.set(glob, (compiled = compileGlob(glob)));
    return compiled;
  };
  try {
    if (isLiteralGlob(a) && isLiteralGlob(b)) return posix.normalize(a) === posix.normalize(b);
    if (isLiteralGlob(a)) return matcher(b)(posix.normalize(a));
    if (isLiteralGlob(b)) return matcher(a)(posix.normalize(b));
    return globsMayOverlap(a, b);
  } catch {
    return false;
  }
}
