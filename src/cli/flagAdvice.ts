// What only the CLI can add to a library error: which flag or command changes the
// outcome. The library says what is wrong in its own terms and tags the error with a
// stable code; the CLI looks the code up here. (A library caller has no flags.)
import { BUDGET_NOTICE } from '../cost/budget.js'; // budget.js alone: no price tables loaded for every command
import type { Diagnostic } from '../util/diagnostic.js';

const ADVICE: Readonly<Record<string, string>> = {
  'config.graph-not-found': 'pass the graph with `--graph FILE`',
  'config.agents-dir-not-found': 'or pass another directory with `--agents DIR`',
  'config.no-agents': 'or pass another directory with `--agents DIR`',
  'workspace.locked': 'another workspace: `--workspace DIR`',
  'workspace.dirty': 'if an interrupted run left them, continue it: `flux-triton run --resume`; or use another workspace: `--workspace DIR`',
  'report.no-runs': 'start one with `flux-triton run`, or pass the directory a run wrote to with `--reports DIR`',
  'report.unknown-task': 'pass one of them with `--task ID`',
  'report.unknown-phase': 'pass one of them with `--phase ID`',
  'provider.no-key': 'run offline with `--provider scripted`',
  'provider.no-agent-sdk': 'or choose another provider: `--provider anthropic` or `--provider scripted`',
  'workspace.unusable': 'pass another one with `--workspace DIR`',
  'workspace.not-empty': 'pass it with `--workspace DIR`',
  'reports.unusable': 'pass another one with `--reports DIR`',
  'run.resume-with-tasks': '--resume and --task cannot be combined: drop --task',
  'run.concurrency': 'pass `--concurrency N` with N of at least 1',
  'run.needs-unbuilt': 'select them too with `--task ID`, or run the whole graph with `flux-triton run`',
  'scripted.faults': 'the file is the one given to `--scripted-faults`',
  'scripted.latency': 'give it with `--scripted-latency MS|FILE`',
  'import.no-agents': 'pass it with `--agents DIR`, e.g. `--agents .claude/agents`',
  'import.agent-map-unreadable': 'pass an existing YAML file to `--agent-map FILE`',
  'tasks-sync.not-imported': 'ticking tasks.md is what `--sync-tasks` asks; or run without `--sync-tasks`',
  'tasks-sync.source-missing': 'ticking tasks.md is what `--sync-tasks` asks; or run without `--sync-tasks`',
  'prices.unreadable': 'pass one with `--prices FILE`',
  'budget.unpriced-model': 'the cost limit is the one `--max-cost` set; give a price file with `--prices FILE`, or run without `--max-cost`',
};

/** The CLI's advice for an error or problem code, if it has any. */
export function flagAdvice(code: string | undefined): string | undefined {
  return code === undefined ? undefined : ADVICE[code];
}

/**
 * The CLI's advice for a run's notice, by its code: the command that continues the run
 * (a reached spending limit says "resume with a higher limit"; only the CLI knows how).
 */
export function noticeAdvice(code: string | undefined, runId: string): string | undefined {
  switch (code) {
    case BUDGET_NOTICE.cost:
      return `continue with: flux-triton run --resume ${runId} --max-cost <higher>`;
    case BUDGET_NOTICE.tokens:
      return `continue with: flux-triton run --resume ${runId} --max-tokens-per-task <higher>`;
    default:
      return undefined;
  }
}

/** The problem with the CLI's advice appended to its hint. */
export function withFlagAdvice<T extends Diagnostic>(problem: T): T {
  const advice = flagAdvice(problem.code);
  if (advice === undefined) return problem;
  return { ...problem, hint: problem.hint === undefined ? advice : `${problem.hint}; ${advice}` };
}
