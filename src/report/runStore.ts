// Finding a run's recorded state under `<reports>/runs/`, for `flux-triton report` and
// `run --resume`.
import { readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { readRunState, runPaths, type RunState } from '../events/index.js';
import type { RunStatus } from '../events/types.js';

export interface RunListing {
  runId: string;
  dir: string;
  startedAt: string;
  status: RunStatus;
  graphName: string;
}

export interface LoadedRun {
  dir: string;
  state: RunState;
}

/** Every run with a readable state.json, newest first (by startedAt). Unreadable ones are skipped. */
export async function listRuns(reportsDir: string): Promise<RunListing[]> {
  const runsDir = path.join(reportsDir, 'runs');
  if (!existsSync(runsDir)) return [];
  const entries = await readdir(runsDir, { withFileTypes: true });
  const runs: RunListing[] = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const paths = runPaths(reportsDir, entry.name);
    if (!existsSync(paths.state)) continue;
    try {
      const state = await readRunState(paths.state);
      runs.push({ runId: state.runId, dir: paths.dir, startedAt: state.startedAt, status: state.status, graphName: state.graphName });
    } catch {
      // A damaged or future-version state file must not hide the other runs.
    }
  }
  return runs.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.runId.localeCompare(a.runId));
}

/** The run `runId` (a unique prefix is enough), or the latest run when omitted. */
export async function loadRun(reportsDir: string, runId?: string): Promise<LoadedRun> {
  const runs = await listRuns(reportsDir);
  if (runs.length === 0) {
    throw new UserError(
      `No runs found in ${path.join(reportsDir, 'runs')}.`,
      'Run the graph first, or read the reports directory a run wrote to.',
      'report.no-runs',
    );
  }
  let chosen: RunListing | undefined;
  if (runId === undefined) {
    chosen = runs[0];
  } else {
    chosen = runs.find((r) => r.runId === runId);
    if (!chosen) {
      const byPrefix = runs.filter((r) => r.runId.startsWith(runId));
      if (byPrefix.length === 1) chosen = byPrefix[0];
    }
  }
  if (!chosen) {
    const shown = runs.slice(0, 20).map((r) => `  ${r.runId}  ${r.startedAt}  ${r.status}`);
    if (runs.length > 20) shown.push(`  ... and ${runs.length - 20} more`);
    throw new UserError(
      `No run ${runId} in ${path.join(reportsDir, 'runs')}. Available runs, newest first:\n${shown.join('\n')}`,
      'Pass one of these ids (a unique prefix is enough), or omit it for the latest run.',
    );
  }
  return { dir: chosen.dir, state: await readRunState(path.join(chosen.dir, 'state.json')) };
}
