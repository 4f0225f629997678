// Task-graph analysis: order, levels, width, critical path, cycles, reachability.
export { analyzeGraph, InvalidGraphError, type GraphAnalysis, type PhaseTasks } from './analyze.js';
export type { CriticalPath } from './criticalPath.js';
export { longestPath } from './criticalPath.js';
export { findCycles } from './cycles.js';
export { buildReachability, type Reachability } from './reachability.js';
export { indexTasks, type GraphInput, type GraphTask, type TaskIndex } from './taskIndex.js';
export { topologicalOrder } from './topologicalOrder.js';
export { buildPlanJson, PLAN_SCHEMA_VERSION, type PlanJson, type PlanTask } from './plan/planJson.js';
export { renderPlanText } from './plan/planText.js';
export { renderPlanMermaid, escapeMermaidLabel } from './plan/planMermaid.js';
