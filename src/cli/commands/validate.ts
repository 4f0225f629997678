// `flux-triton validate`: load the agents and the task graph, print every problem with
// its position, exit 2 when there are errors.

import { relative } from 'node:path';
import { countDiagnostics } from '../../util/diagnostic.js';
import { loadProject } from '../../config/project.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../exitCodes.js';
import { agentsOption, graphOption, resolveProjectPaths } from '../commonOptions.js';
import { plural, printProblems } from '../printProblems.js';

export default defineCommand({
  name: 'validate',
  summary: 'Check the agents and the task graph and list every problem',
  usage: 'flux-triton validate [--graph FILE] [--agents DIR]',
  description: 'Prints each problem as file:line:column with a hint, then a summary. Exits 0 when there are no errors (warnings are fine), 2 otherwise.',
  options: { graph: graphOption, agents: agentsOption },
  async run({ values }, io) {
    const paths = resolveProjectPaths(values, io.cwd);
    const project = loadProject(paths);
    printProblems(project.problems, io.stdout, io.cwd);
    const { error: errors, warning: warnings } = countDiagnostics(project.problems);
    const where = `${relative(io.cwd, paths.graphFile) || paths.graphFile} with ${relative(io.cwd, paths.agentsDir) || '.'}`;
    if (errors > 0) return EXIT.usage; // printProblems already wrote the counts
    const graph = project.graph;
    const shape = graph ? `${plural(project.agents.size, 'agent')}, ${plural(graph.tasks.length, 'task')} in ${plural(graph.phases.length, 'phase')}` : '';
    io.stdout.write(`ok: ${where}: ${shape}${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}\n`);
    return EXIT.ok;
  },
});
