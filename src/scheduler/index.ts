// The scheduler's public surface: a pure DAG executor plus its concurrency helpers.
export { executeGraph } from './executeGraph.js';
export {
  ConcurrencyGovernor,
  DEFAULT_RATE_LIMIT_COOLDOWN_MS,
  DEFAULT_RATE_LIMIT_THRESHOLD,
  DEFAULT_RATE_LIMIT_WINDOW_MS,
  systemTimers,
  type ConcurrencyGovernorOptions,
} from './concurrencyGovernor.js';
export { defaultConcurrency, MAX_DEFAULT_CONCURRENCY } from './defaultConcurrency.js';
export { dispatchRanks } from './dispatchOrder.js';
export type * from './types.js';
