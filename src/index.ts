// Public library API. The CLI is a thin layer over these exports.
export * from './config/types.js';
export * from './errors.js';
export { loadAgents, loadProject, loadTaskGraph, formatProblem } from './config/index.js';
export { analyzeGraph } from './graph/index.js';
export { runPipeline, type RunOptions, type RunSummary } from './pipeline/index.js';
export { checkRepository, formatFindings, reportToJson } from './triton/index.js';
export { listRuns, loadRun, readRunRecord, renderHtmlReport, renderRunReport, writeHtmlSummary } from './report/index.js';
export { LIST_PRICES, loadPriceFile, PriceBook, type ModelPrice, type PriceTable } from './cost/index.js';
export type { RunEvent, TaskState } from './events/types.js';
export { importSpecKit, TasksSync, tickTasks, type ImportSpecKitOptions, type ImportSpecKitResult } from './import/index.js';
