// Public library API. The CLI is a thin layer over these exports. Every type a public
// function takes or returns is exported too (API Extractor checks it: etc/flux-triton.api.md).
export * from './config/types.js';
export * from './errors.js';
export {
  loadAgents,
  loadProject,
  loadTaskGraph,
  type LoadAgentsResult,
  type LoadedProject,
  type LoadProjectOptions,
  type LoadTaskGraphOptions,
  type LoadTaskGraphResult,
} from './config/index.js';
export { formatDiagnostic, type Diagnostic, type DiagnosticSeverity, type FormatDiagnosticOptions } from './util/diagnostic.js';
export { analyzeGraph, type CriticalPath, type GraphAnalysis, type GraphInput, type GraphTask, type PhaseTasks } from './graph/index.js';
export { runPipeline, type RunOptions, type RunSummary } from './pipeline/index.js';
export type { FaultPlan, FaultRule, LatencyPlan } from './agent/index.js';
export type { TurnRecord, Usage } from './agent/types.js';
export { checkRepository, formatFindings, reportToJson, type CheckOptions, type CheckReport, type Finding, type FindingSeverity } from './triton/index.js';
export {
  listRuns,
  loadRun,
  readRunRecord,
  renderHtmlReport,
  renderRunReport,
  writeHtmlSummary,
  type LoadedRun,
  type RunRecord,
  type RenderRunReportOptions,
  type RunListing,
} from './report/index.js';
export {
  RUN_STATE_SCHEMA_VERSION,
  type PhaseRecord,
  type ProgressViewOptions,
  type RunNotice,
  type RunState,
  type TaskRecord,
  type TurnCost,
} from './events/index.js';
export type { CheckResult, CheckStatus, JUnitCase, JUnitSummary } from './verify/types.js';
export { TASK_STATES, type CommitInfo, type RunEvent, type RunEventListener, type RunStatus, type TaskState, type VerifyAttempt } from './events/types.js';
export { LIST_PRICES, loadPriceFile, PriceBook, type ModelPrice, type PriceTable, type TokenRates } from './cost/index.js';
export { importSpecKit, TasksSync, tickTasks, type FeatureDocument, type ImportSpecKitOptions, type ImportSpecKitResult } from './import/index.js';
