// Every task's `needs`, from four sources, each edge remembering why it exists:
//   1. phase order: a phase waits for the phase before it, unless the prose says which
//      phases it waits for ("User Story 2: can start after Foundational");
//   2. spec-kit's rule inside a phase: a task without [P] waits for every task above it,
//      and the tasks after it wait for it;
//   3. prose and inline statements ("T015 depends on T011-T014");
//   4. two tasks that write the same file and would otherwise run side by side: the later
//      one waits (reported as a guess).
// Then cycles and needs on later phases become errors at the line that caused them, done
// tasks are bridged over, and the needs are reduced to the ones not implied by others.

import type { ConfigProblem } from '../../config/types.js';
import { configError } from '../../config/problems.js';
import { globsMayOverlap } from '../../util/glob.js';
import { inlinePrerequisites, type ProseReading } from './proseDependencies.js';
import type { Reference } from './references.js';
import type { SpecTask, TasksMarkdown } from './tasksMarkdown.js';

export type NeedReason =
  | { kind: 'phase' }
  | { kind: 'order' }
  | { kind: 'prose'; line: number; text: string }
  | { kind: 'inline'; line: number }
  | { kind: 'same-file'; path: string };

export interface NeedsResult {
  /** Needs of every task that is not done, reduced; in file order. */
  needs: Map<string, string[]>;
  /** Phases each phase waits for (indexes), as decided from order and prose. */
  phaseWaitsFor: Map<number, number[]>;
  /** Same-file orderings the importer added (guesses for the report). */
  sameFile: { task: string; after: string; path: string }[];
  problems: ConfigProblem[];
}

export function computeNeeds(doc: TasksMarkdown, prose: ProseReading, outputs: ReadonlyMap<string, string[]>): NeedsResult {
  const problems: ConfigProblem[] = [];
  const byId = new Map(doc.tasks.map((t) => [t.id, t] as const));
  const edges = new Map<string, Map<string, NeedReason>>(doc.tasks.map((t) => [t.id, new Map()]));
  const add = (task: string, need: string, reason: NeedReason): void => {
    if (task === need) return;
    const own = edges.get(task) as Map<string, NeedReason>;
    if (!own.has(need)) own.set(need, reason);
  };
  const tasksOf = (ref: Reference): string[] => [...ref.tasks, ...doc.tasks.filter((t) => ref.phases.includes(t.phase)).map((t) => t.id)];

  for (const { line, text, ids } of prose.unknownIds) {
    problems.push(
      configError(
        `\`${text}\` names ${ids.join(', ')}, which ${ids.length === 1 ? 'is' : 'are'} not a task in tasks.md`,
        { file: doc.file, line, column: 1 },
        'fix the id (a typo would silently drop this dependency), or remove the statement',
      ),
    );
  }

  // 1. Phase order, with the prose's phase-level statements replacing the default.
  const phaseWaitsFor = new Map<number, number[]>(doc.phases.map((p) => [p.index, p.index > 0 ? [p.index - 1] : []]));
  const stated = new Map<number, Set<number>>();
  for (const statement of prose.statements) {
    if (statement.dependents.tasks.length > 0 || statement.prerequisites.tasks.length > 0) continue;
    for (const dependent of statement.dependents.phases) {
      for (const prerequisite of statement.prerequisites.phases) {
        if (prerequisite === dependent) continue;
        if (prerequisite > dependent) {
          problems.push(laterPhaseError(doc, statement.line, statement.text, doc.phases[dependent]?.title ?? '', doc.phases[prerequisite]?.title ?? ''));
          continue;
        }
        if (!stated.has(dependent)) stated.set(dependent, new Set());
        stated.get(dependent)?.add(prerequisite);
      }
    }
  }
  for (const [phase, waits] of stated)
    phaseWaitsFor.set(
      phase,
      [...waits].sort((a, b) => a - b),
    );
  for (const task of doc.tasks) {
    for (const phase of phaseWaitsFor.get(task.phase) ?? [])
      for (const other of doc.tasks) if (other.phase === phase) add(task.id, other.id, { kind: 'phase' });
  }

  // 2. Inside a phase: tasks without [P] are barriers.
  for (const phase of doc.phases) {
    const inPhase = doc.tasks.filter((t) => t.phase === phase.index);
    let barrier: SpecTask | undefined;
    inPhase.forEach((task, i) => {
      if (!task.parallel) for (const earlier of inPhase.slice(0, i)) add(task.id, earlier.id, { kind: 'order' });
      else if (barrier) add(task.id, barrier.id, { kind: 'order' });
      if (!task.parallel) barrier = task;
    });
  }

  // 3. Prose and inline statements.
  for (const statement of prose.statements) {
    if (statement.dependents.tasks.length === 0 && statement.prerequisites.tasks.length === 0) continue; // phase-level, above
    for (const dependent of tasksOf(statement.dependents)) {
      for (const prerequisite of tasksOf(statement.prerequisites)) {
        const d = byId.get(dependent) as SpecTask;
        const p = byId.get(prerequisite) as SpecTask;
        if (p.phase > d.phase) {
          problems.push(
            laterPhaseError(
              doc,
              statement.line,
              statement.text,
              `${dependent} (${doc.phases[d.phase]?.title})`,
              `${prerequisite} (${doc.phases[p.phase]?.title})`,
            ),
          );
          continue;
        }
        add(dependent, prerequisite, { kind: 'prose', line: statement.line, text: statement.text });
      }
    }
  }
  for (const task of doc.tasks) {
    const ref = inlinePrerequisites(task.description, doc);
    if (!ref) continue;
    for (const unknown of ref.unknownIds) {
      problems.push(
        configError(
          `${task.id} depends on ${unknown}, which is not a task in tasks.md`,
          { file: doc.file, line: task.line, column: 1 },
          'fix the id in the description, or add the task',
        ),
      );
    }
    for (const prerequisite of ref.tasks) {
      const p = byId.get(prerequisite) as SpecTask;
      if (p.phase > task.phase) {
        problems.push(
          laterPhaseError(doc, task.line, task.description, `${task.id} (${doc.phases[task.phase]?.title})`, `${prerequisite} (${doc.phases[p.phase]?.title})`),
        );
        continue;
      }
      add(task.id, prerequisite, { kind: 'inline', line: task.line });
    }
  }

  // Cycles are reported before anything else is derived from the edges.
  const cycles = findCycles(
    doc.tasks.map((t) => t.id),
    edges,
  );
  for (const cycle of cycles) problems.push(cycleError(doc, cycle, edges));
  if (cycles.length > 0) return { needs: new Map(), phaseWaitsFor, sameFile: [], problems };

  // 4. Same file, otherwise side by side: the later task in the file waits.
  const sameFile: NeedsResult['sameFile'] = [];
  doc.tasks.forEach((later, j) => {
    for (const earlier of doc.tasks.slice(0, j)) {
      const path = sharedPath(outputs.get(earlier.id) ?? [], outputs.get(later.id) ?? []);
      if (path === undefined || reaches(later.id, earlier.id, edges) || reaches(earlier.id, later.id, edges)) continue;
      add(later.id, earlier.id, { kind: 'same-file', path });
      sameFile.push({ task: later.id, after: earlier.id, path });
    }
  });

  return { needs: reduce(doc.tasks, edges), phaseWaitsFor, sameFile, problems };
}

function laterPhaseError(doc: TasksMarkdown, line: number, text: string, dependent: string, prerequisite: string): ConfigProblem {
  return configError(
    `\`${text}\`: ${dependent} would wait for ${prerequisite}, which is in a later phase, but phases run in the order tasks.md lists them`,
    { file: doc.file, line, column: 1 },
    'reverse the statement if it is written the wrong way round, or move the task to the phase it belongs in',
  );
}

function cycleError(doc: TasksMarkdown, cycle: string[], edges: Map<string, Map<string, NeedReason>>): ConfigProblem {
  const reasons = cycle.map((id, i) => ({
    from: id,
    to: cycle[(i + 1) % cycle.length] as string,
    reason: edges.get(id)?.get(cycle[(i + 1) % cycle.length] as string) as NeedReason,
  }));
  const written = reasons.find((r) => r.reason.kind === 'prose' || r.reason.kind === 'inline');
  const line =
    written && (written.reason.kind === 'prose' || written.reason.kind === 'inline')
      ? written.reason.line
      : (doc.tasks.find((t) => t.id === cycle[0])?.line ?? 1);
  const why = reasons.map((r) => `${r.from} needs ${r.to} (${describeReason(r.reason)})`).join('; ');
  return configError(
    `dependency cycle ${[...cycle, cycle[0]].join(' → ')}: ${why}`,
    { file: doc.file, line, column: 1 },
    written ? `remove or reverse the statement on line ${line}` : 'mark one of these tasks [P] or reorder them',
  );
}

export function describeReason(reason: NeedReason): string {
  switch (reason.kind) {
    case 'phase':
      return 'phase order';
    case 'order':
      return 'it has no [P], so tasks run in file order';
    case 'prose':
      return `line ${reason.line}: "${reason.text}"`;
    case 'inline':
      return `its description, line ${reason.line}`;
    case 'same-file':
      return `both write ${reason.path}`;
  }
}

function sharedPath(a: readonly string[], b: readonly string[]): string | undefined {
  for (const x of a) for (const y of b) if (x === y || globsMayOverlap(x, y)) return x.length <= y.length ? y : x;
  return undefined;
}

function reaches(from: string, to: string, edges: Map<string, Map<string, NeedReason>>): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const need of edges.get(id)?.keys() ?? []) stack.push(need);
  }
  return false;
}

/** One cycle per group of tasks caught in one, each as the ids in order. */
function findCycles(ids: readonly string[], edges: Map<string, Map<string, NeedReason>>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[][] = [];
  const covered = new Set<string>();
  const path: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'open');
    path.push(id);
    for (const need of edges.get(id)?.keys() ?? []) {
      const s = state.get(need);
      if (s === 'open') {
        const cycle = path.slice(path.indexOf(need));
        if (!cycle.every((c) => covered.has(c))) {
          cycles.push(cycle);
          for (const c of cycle) covered.add(c);
        }
      } else if (s === undefined) visit(need);
    }
    path.pop();
    state.set(id, 'done');
  };
  for (const id of ids) if (!state.has(id)) visit(id);
  return cycles;
}

/**
 * Needs of the tasks still to do: done tasks are bridged over (a task that waited for a
 * done task waits for what that one waited for, if still to do), then needs implied by
 * another need are dropped, so the YAML lists only the direct ones.
 */
function reduce(tasks: readonly SpecTask[], edges: Map<string, Map<string, NeedReason>>): Map<string, string[]> {
  const done = new Set(tasks.filter((t) => t.done).map((t) => t.id));
  const order = new Map(tasks.map((t, i) => [t.id, i] as const));
  const pendingNeeds = (id: string): Set<string> => {
    const found = new Set<string>();
    const seen = new Set<string>();
    const stack = [...(edges.get(id)?.keys() ?? [])];
    while (stack.length > 0) {
      const need = stack.pop() as string;
      if (seen.has(need)) continue;
      seen.add(need);
      if (done.has(need)) stack.push(...(edges.get(need)?.keys() ?? []));
      else found.add(need);
    }
    return found;
  };
  const direct = new Map(tasks.filter((t) => !done.has(t.id)).map((t) => [t.id, pendingNeeds(t.id)] as const));
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (id: string): Set<string> => {
    const known = ancestors.get(id);
    if (known) return known;
    const all = new Set<string>();
    for (const need of direct.get(id) ?? []) {
      all.add(need);
      for (const a of ancestorsOf(need)) all.add(a);
    }
    ancestors.set(id, all);
    return all;
  };
  const needs = new Map<string, string[]>();
  for (const [id, own] of direct) {
    const kept = [...own].filter((need) => ![...own].some((other) => other !== need && ancestorsOf(other).has(need)));
    needs.set(
      id,
      kept.sort((a, b) => (order.get(a) as number) - (order.get(b) as number)),
    );
  }
  return needs;
}
