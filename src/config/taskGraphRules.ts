// Cross-reference rules for a task graph: ids, phases, agents, needs, outputs, context
// files. Graph-shaped rules (cycles, concurrent overlapping outputs) are in
// dependencyRules.ts.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileGlob } from '../util/glob.js';
import { configError, configWarning } from './problems.js';
import type { Rule, RuleContext } from './ruleContext.js';
import { closestMatch, didYouMean, listNames } from '../util/suggest.js';

/** Why a workspace-relative path is unacceptable, or undefined when it is fine. */
export function unsafeRelativePath(path: string): string | undefined {
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return 'is absolute';
  if (path.split(/[\\/]/).includes('..')) return 'contains `..`';
  return undefined;
}

// Positions are looked up only for problems: a lookup walks the YAML tree, and doing it
// for every task of a 10,000-task graph is a measurable share of `validate`.

export const duplicateTaskIds: Rule = (ctx) => reportDuplicateIds(ctx, 'tasks', ctx.tasks, 'task', 'task ids must be unique; rename one of the two');

export const duplicatePhaseIds: Rule = (ctx) => reportDuplicateIds(ctx, 'phases', ctx.phases, 'phase', 'phase ids must be unique; rename or merge the two');

function reportDuplicateIds(
  ctx: RuleContext,
  list: 'tasks' | 'phases',
  entries: readonly { index: number; input: { id: string } }[],
  kind: string,
  hint: string,
): void {
  const first = new Map<string, number>();
  for (const entry of entries) {
    const earlier = first.get(entry.input.id);
    if (earlier === undefined) {
      first.set(entry.input.id, entry.index);
      continue;
    }
    const line = ctx.source.positionOf([list, earlier, 'id']).line ?? 0;
    ctx.problems.push(
      configError(`duplicate ${kind} id \`${entry.input.id}\`: also defined at line ${line}`, ctx.source.positionOf([list, entry.index, 'id']), hint),
    );
  }
}

export const knownPhases: Rule = (ctx) => {
  const phaseIds = ctx.phases.map((p) => p.input.id);
  const known = new Set(phaseIds);
  for (const task of ctx.tasks) {
    if (known.has(task.input.phase)) continue;
    ctx.problems.push(
      configError(
        `task ${task.input.id}: unknown phase \`${task.input.phase}\``,
        ctx.source.positionOf(['tasks', task.index, 'phase']),
        `${didYouMean(task.input.phase, phaseIds)}phases are ${listNames(phaseIds)}; declare new ones under \`phases\``,
      ),
    );
  }
};

export const knownAgents: Rule = (ctx) => {
  const known = [...ctx.agents.keys()].sort();
  for (const task of ctx.tasks) {
    const name = task.input.agent;
    const at = () => ctx.source.positionOf(['tasks', task.index, 'agent']);
    const agent = ctx.agents.get(name);
    if (agent) {
      // Outputs are written with Write/Edit (or Bash); without any of them the task cannot succeed.
      if (!agent.tools.some((t) => t === 'Write' || t === 'Edit' || t === 'Bash')) {
        ctx.problems.push(
          configWarning(
            `task ${task.input.id}: agent \`${name}\` has no Write, Edit or Bash tool, so it cannot write the task's outputs`,
            at(),
            `add \`Write\` to the agent's \`tools\` in ${agent.source.file}`,
          ),
        );
      }
      continue;
    }
    if (ctx.invalidAgentNames.has(name)) continue;
    const hint =
      known.length === 0
        ? 'no agents were loaded; check the agents directory'
        : `${didYouMean(name, known)}known agents are ${listNames(known)}; or add agents/${name}.md`;
    ctx.problems.push(configError(`task ${task.input.id}: unknown agent \`${name}\``, at(), hint));
  }
};

export const knownNeeds: Rule = (ctx) => {
  const ids = [...ctx.allTaskIds];
  for (const task of ctx.tasks) {
    const seen = new Set<string>();
    task.input.needs.forEach((need, j) => {
      const at = () => ctx.source.positionOf(['tasks', task.index, 'needs', j]);
      if (seen.has(need)) {
        ctx.problems.push(configWarning(`task ${task.input.id} lists \`${need}\` in \`needs\` twice`, at(), 'remove the repeat'));
        return;
      }
      seen.add(need);
      if (ctx.allTaskIds.has(need)) return;
      const suggestion = closestMatch(need, ids);
      ctx.problems.push(
        configError(
          `task ${task.input.id} needs \`${need}\`, which is not a task in this graph`,
          at(),
          suggestion ? `did you mean \`${suggestion}\`?` : 'write the id of a task defined under `tasks`, or remove it',
        ),
      );
    });
  }
};

/** Phases run in the order listed; a task may not wait for work that belongs to a later phase. */
export const needsRespectPhaseOrder: Rule = (ctx) => {
  const phaseRank = new Map(ctx.phases.map((p, i) => [p.input.id, i] as const));
  const taskById = new Map(ctx.tasks.map((t) => [t.input.id, t] as const));
  for (const task of ctx.tasks) {
    const ownRank = phaseRank.get(task.input.phase);
    if (ownRank === undefined) continue;
    task.input.needs.forEach((need, j) => {
      const needed = taskById.get(need);
      const neededRank = needed && phaseRank.get(needed.input.phase);
      if (needed === undefined || neededRank === undefined || neededRank <= ownRank) return;
      ctx.problems.push(
        configError(
          `task ${task.input.id} (phase \`${task.input.phase}\`) needs ${need}, which is in the later phase \`${needed.input.phase}\``,
          ctx.source.positionOf(['tasks', task.index, 'needs', j]),
          `phases run in the order listed under \`phases\`; move ${need} to phase \`${task.input.phase}\` or earlier, or ${task.input.id} to \`${needed.input.phase}\` or later`,
        ),
      );
    });
  }
};

export const outputPaths: Rule = (ctx) => {
  for (const task of ctx.tasks) {
    task.input.outputs.forEach((glob, j) => {
      const at = () => ctx.source.positionOf(['tasks', task.index, 'outputs', j]);
      const reason = unsafeRelativePath(glob);
      if (reason) {
        ctx.problems.push(
          configError(
            `task ${task.input.id}: output \`${glob}\` ${reason}; outputs must stay inside the workspace`,
            at(),
            'write a path relative to the workspace root, e.g. `triton_models/vae_decoder/1/model.py`',
          ),
        );
        return;
      }
      // The runner owns .git: an agent writing there could rewrite history (refused at the
      // Write tool too, but a graph that asks for it is wrong from the start).
      if (glob.split('/').some((segment) => segment.toLowerCase() === '.git')) {
        ctx.problems.push(
          configError(
            `task ${task.input.id}: output \`${glob}\` is inside .git; the runner alone writes the repository's history`,
            at(),
            'name the files the task creates in the working tree, e.g. `triton_models/vae_decoder/1/model.py`',
          ),
        );
        return;
      }
      try {
        compileGlob(glob);
      } catch (error) {
        ctx.problems.push(
          configError(
            `task ${task.input.id}: output \`${glob}\` is not a valid glob: ${(error as Error).message}`,
            at(),
            'supported: `*`, `**`, `?`, `[abc]`, `{a,b}`',
          ),
        );
      }
    });
  }
};

export const contextFiles: Rule = (ctx) => {
  ctx.context.forEach((name, j) => {
    const at = ctx.source.positionOf(['context', j]);
    const reason = unsafeRelativePath(name);
    if (reason) {
      ctx.problems.push(configError(`context file \`${name}\` ${reason}`, at, "name a file under the graph's context/ directory"));
      return;
    }
    const path = join(ctx.graphDir, 'context', name);
    if (!existsSync(path) || !statSync(path).isFile()) {
      ctx.problems.push(
        configError(
          `context file \`${name}\` not found (looked for ${path})`,
          at,
          'create it under context/ next to the graph file, or remove it from `context`',
        ),
      );
    }
  });
};

export const phasesHaveTasks: Rule = (ctx) => {
  const used = new Set(ctx.tasks.map((t) => t.input.phase));
  for (const phase of ctx.phases) {
    if (used.has(phase.input.id)) continue;
    ctx.problems.push(
      configWarning(`phase \`${phase.input.id}\` has no tasks`, ctx.source.positionOf(['phases', phase.index]), 'add tasks to it or remove it'),
    );
  }
};

export function runRules(ctx: RuleContext, rules: readonly Rule[]): void {
  for (const rule of rules) rule(ctx);
}
