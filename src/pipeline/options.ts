// What a caller (the CLI, a test, another program) can ask of a run.
import type { FaultPlan, LatencyPlan } from '../agent/index.js';
import type { PriceTable } from '../cost/index.js';
import type { ProgressViewOptions } from '../events/index.js';
import type { RunEventListener, RunStatus, TaskState } from '../events/types.js';

export interface RunOptions {
  /** The task graph YAML (default `tasks/flux-triton.yaml` under `projectRoot`). */
  graphFile: string;
  agentsDir: string;
  workspaceDir: string;
  reportsDir: string;
  /** Where `.venv` is looked for; defaults to the current directory. */
  projectRoot?: string;
  provider?: 'anthropic' | 'scripted' | 'claude-code';
  /** With provider claude-code: replay the scripts through Claude Code against the local server. */
  offline?: boolean;
  /** Overrides every task's and agent's model (alias or id). */
  model?: string;
  concurrency?: number;
  phaseBarriers?: boolean;
  /** Continue a run: `true` = the latest run, or a run id. */
  resume?: boolean | string;
  /** Run only these tasks (their needs must have succeeded in this workspace before). */
  tasks?: string[];
  /** With `tasks`: also every task that depends on them. */
  downstream?: boolean;
  /** Ignore the input-hash cache. */
  force?: boolean;
  failFast?: boolean;
  /** Stop starting turns once the run (resumed spend included) has cost this many USD; exit 1. */
  maxCostUsd?: number;
  /** Stop a task's session once it has used this many tokens (all four kinds); exit 1. */
  maxTokensPerTask?: number;
  /** Prices over the shipped list and the graph's `defaults.pricing` (from `--prices FILE`). */
  prices?: PriceTable;
  scriptedLatency?: LatencyPlan;
  scriptedFaults?: FaultPlan;
  env?: NodeJS.ProcessEnv;
  /** Abort to interrupt the run (Ctrl-C). */
  signal?: AbortSignal;
  /** Every event, as it happens (the CLI's progress view subscribes here). */
  onEvent?: RunEventListener;
  /** Draw progress (live on a TTY, plain lines otherwise, NDJSON with `json`). */
  progress?: ProgressViewOptions;
  /** Test hook: the clock used for event timestamps and run ids. */
  now?: () => Date;
}

export interface RunSummary {
  runId: string;
  status: RunStatus;
  tasks: Record<string, TaskState>;
  /** `reports/runs/<runId>`. */
  runDir: string;
  workspaceDir: string;
  provider: string;
  /** True when `maxCostUsd`/`maxTokensPerTask` stopped work before the run could finish. */
  stoppedByBudget: boolean;
}
