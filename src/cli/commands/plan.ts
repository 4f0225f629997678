// `flux-triton plan`: the graph's phases, parallel levels, width and critical path, as
// text, a Mermaid flowchart, or JSON (docs/plan-json.md).

import { relative } from 'node:path';
import { ConfigError } from '../../errors.js';
import { loadProject } from '../../config/project.js';
import { formatDiagnostic, hasErrors } from '../../util/diagnostic.js';
import { analyzeGraph } from '../../graph/analyze.js';
import { buildPlanJson } from '../../graph/plan/planJson.js';
import { renderPlanMermaid } from '../../graph/plan/planMermaid.js';
import { renderPlanText } from '../../graph/plan/planText.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../exitCodes.js';
import { withFlagAdvice } from '../flagAdvice.js';
import { agentsOption, graphOption, resolveProjectPaths } from '../commonOptions.js';

export default defineCommand({
  name: 'plan',
  summary: 'Show the phases, what can run side by side and the critical path',
  usage: 'flux-triton plan [--graph FILE] [--agents DIR] [--format text|mermaid|json]',
  description: 'Nothing is run. Warnings go to stderr so that mermaid and json output can be piped.',
  options: {
    graph: graphOption,
    agents: agentsOption,
    format: { type: 'string', short: 'f', valueName: 'FORMAT', default: 'text', choices: ['text', 'mermaid', 'json'], help: 'Output format' },
  },
  async run({ values }, io) {
    const paths = resolveProjectPaths(values, io.cwd);
    const project = loadProject(paths);
    if (hasErrors(project.problems) || !project.graph) throw new ConfigError(project.problems);
    for (const warning of project.problems) io.stderr.write(`${formatDiagnostic(withFlagAdvice(warning), { relativeTo: io.cwd })}\n`);

    const graph = project.graph;
    const analysis = analyzeGraph(graph);
    switch (values.format) {
      case 'json':
        io.stdout.write(`${JSON.stringify(buildPlanJson(graph, analysis), null, 2)}\n`);
        break;
      case 'mermaid':
        io.stdout.write(renderPlanMermaid(graph, analysis));
        break;
      case 'text':
        io.stdout.write(renderPlanText(graph, analysis, relative(io.cwd, graph.file) || graph.file));
        break;
    }
    return EXIT.ok;
  },
});
