// The result of one verify check, as the scheduler records it and the repair loop sends
// it back to the model.
import type { TaskSpec, VerifySpec } from '../config/types.js';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface JUnitCase {
  suite: string;
  name: string;
  classname?: string;
  status: 'passed' | 'failed' | 'error' | 'skipped';
  timeSeconds: number;
  message?: string;
}

export interface JUnitSummary {
  file: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  timeSeconds: number;
  cases: JUnitCase[];
}

export interface CheckResult {
  /** Display name, e.g. `pbtxt`, `triton-contract dit_transformer`, `run: python -m pytest ...`. */
  name: string;
  status: CheckStatus;
  /** Output written for a model to act on (findings with file:line and a fix hint). */
  output: string;
  /** Why a check was skipped (e.g. "torch is not installed"). */
  reason?: string;
  durationMs: number;
  junit?: JUnitSummary;
}

export interface VerifyContext {
  workspaceDir: string;
  task: TaskSpec;
  /** Python interpreter for checks (defaults to `python3`). */
  python: string;
  signal?: AbortSignal;
}

export type CheckRunner = (spec: VerifySpec, ctx: VerifyContext) => Promise<CheckResult>;
