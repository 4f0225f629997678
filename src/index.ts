// Public library API. The CLI is a thin layer over these exports.
export * from './config/types.js';
export * from './errors.js';
export { loadAgents, loadProject, loadTaskGraph } from './config/index.js';
export { formatDiagnostic, type Diagnostic, type DiagnosticSeverity, type FormatDiagnosticOptions } from './util/diagnostic.js';
export { analyzeGraph } from './graph/index.js';
export { runPipeline, type RunOptions, type RunSummary } from './pipeline/index.js';
export { checkRepository, formatFindings, reportToJson } from './triton/index.js';
export { listRuns, loadRun, renderRunReport } from './report/index.js';
export type { RunEvent, TaskState } from './events/types.js';
