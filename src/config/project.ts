// Loads a whole project: the agents directory, then the task graph that refers to them.

import type { AgentDefinition, ConfigProblem, TaskGraph } from './types.js';
import { loadAgents } from './agents.js';
import { sortDiagnostics } from '../util/diagnostic.js';
import { loadTaskGraph } from './taskGraph.js';

export interface LoadProjectOptions {
  graphFile: string;
  agentsDir: string;
}

export interface LoadedProject {
  /** Set only when neither the agents nor the graph have errors. */
  graph?: TaskGraph;
  agents: Map<string, AgentDefinition>;
  /** Sorted by file, line and column. */
  problems: ConfigProblem[];
}

export function loadProject({ graphFile, agentsDir }: LoadProjectOptions): LoadedProject {
  const loadedAgents = loadAgents(agentsDir);
  const loadedGraph = loadTaskGraph(graphFile, loadedAgents.agents, { invalidAgentNames: loadedAgents.invalidAgentNames });
  const problems = sortDiagnostics([...loadedAgents.problems, ...loadedGraph.problems]);
  const agentErrors = loadedAgents.problems.some((p) => p.severity === 'error');
  const project: LoadedProject = { agents: loadedAgents.agents, problems };
  if (loadedGraph.graph && !agentErrors) project.graph = loadedGraph.graph;
  return project;
}
