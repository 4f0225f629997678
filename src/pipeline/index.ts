export { runPipeline } from './runPipeline.js';
export type { RunOptions, RunSummary } from './options.js';
