// `flux-triton import spec-kit <tasks.md>`: a spec-kit plan → a task graph, and a report of
// every guess the importer made. The work is done by src/import; this file prints it.

import { relative, resolve } from 'node:path';
import { ConfigError, UserError } from '../../errors.js';
import { hasErrors } from '../../util/diagnostic.js';
import { importSpecKit } from '../../import/index.js';
import { defineCommand } from '../command.js';
import { agentsOption } from '../commonOptions.js';
import { plural, printProblems } from '../printProblems.js';

const FORMATS = ['spec-kit'] as const;

export default defineCommand({
  name: 'import',
  summary: 'Turn a spec-kit plan (tasks.md) into a task graph',
  usage: 'flux-triton import spec-kit <tasks.md> [--agents DIR] [--agent-map FILE] [-o FILE]',
  description: [
    "Reads the tasks.md spec-kit's /tasks wrote (both the older `## Phase 3.1: Setup` shape and the newer user-story shape): phases, [P] markers, ticked tasks, file paths in the descriptions and the dependency prose. Writes a task graph `validate` accepts, with the feature's documents (spec.md, plan.md, data-model.md, research.md, quickstart.md, contracts/) copied beside it as context, and prints every guess it made.",
    "Agents come from --agent-map (task id or glob → agent, one per line), else from matching each task against the agents' names and descriptions. For Claude Code agents pass --agents .claude/agents.",
    'Nothing is written when there are errors (each with file:line and a fix); exit 2. See docs/spec-kit.md.',
  ].join('\n\n'),
  options: {
    agents: agentsOption,
    'agent-map': { type: 'string', valueName: 'FILE', help: 'YAML: task id or glob → agent name (first match wins)' },
    output: { type: 'string', short: 'o', valueName: 'FILE', help: 'Where the graph goes (default: <feature dir>/flux-triton/graph.yaml)' },
  },
  positionals: { name: 'FORMAT and TASKS_MD', min: 2, max: 2 },
  async run({ values, positionals }, io) {
    const [format, tasksMd] = positionals as [string, string];
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UserError(`unknown plan format '${format}'`, `Formats: ${FORMATS.join(', ')}. Example: flux-triton import spec-kit specs/001-feature/tasks.md`);
    }
    const shown = (path: string): string => relative(io.cwd, path) || path;
    const result = importSpecKit({
      tasksFile: resolve(io.cwd, tasksMd),
      agentsDir: resolve(io.cwd, values.agents),
      ...(values['agent-map'] ? { agentMapFile: resolve(io.cwd, values['agent-map']) } : {}),
      ...(values.output ? { outputFile: resolve(io.cwd, values.output) } : {}),
    });
    if (hasErrors(result.problems) || !result.written) throw new ConfigError(result.problems);
    printProblems(result.problems, io.stderr, io.cwd);

    const graph = shown(result.graphFile);
    const lines = [`wrote ${graph}: ${plural(result.counts.tasks, 'task')} in ${plural(result.counts.phases, 'phase')} from ${shown(result.tasksFile)}`];
    if (result.counts.done.length > 0) lines.push(`  ticked in tasks.md, kept as done and left out: ${result.counts.done.join(', ')}`);
    if (result.documents.length > 0) lines.push(`  context: ${result.documents.map((d) => shown(d.source)).join(', ')} (copied beside the graph)`);
    if (result.guesses.length > 0) lines.push('', `Guesses to check (${result.guesses.length}):`, ...result.guesses.map((g) => `  ${g}`));
    if (result.agentGuessed.length > 0)
      lines.push(`  hint: set a task's agent with \`--agent-map FILE\` (task id or glob → agent), or edit \`agent:\` in the graph`);
    if (result.notUnderstood.length > 0)
      lines.push('', 'Dependency prose not understood (no need taken from it):', ...result.notUnderstood.map((n) => `  ${n}`));
    const agents = values.agents === agentsOption.default ? '' : ` --agents ${values.agents}`;
    lines.push('', 'Next:', `  flux-triton plan --graph ${graph}${agents}`, `  flux-triton run --graph ${graph}${agents} --sync-tasks`);
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
});
