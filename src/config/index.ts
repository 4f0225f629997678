// Loading and validating project input: agent definitions and the task graph.
export { loadAgents, type LoadAgentsResult } from './agents.js';
export { parseAgentFile, describeFromBody, AGENT_KEYS, type ParsedAgentFile } from './agentFile.js';
export { loadTaskGraph, parseTaskGraph, type LoadTaskGraphOptions, type LoadTaskGraphResult } from './taskGraph.js';
export { DEFAULT_TASK_DEFAULTS, ID_PATTERN } from './taskGraphSchema.js';
export { loadProject, type LoadedProject, type LoadProjectOptions } from './project.js';
export { configError, configWarning } from './problems.js';
export { closestMatch } from '../util/suggest.js';
