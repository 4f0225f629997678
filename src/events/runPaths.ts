// Where a run's files live. Writers and the report reader share these so they never drift.
import path from 'node:path';

export interface RunPaths {
  dir: string;
  state: string;
  events: string;
  log: string;
  transcripts: string;
  summaryMarkdown: string;
  summaryJson: string;
}

/** `<reportsDir>/runs/<runId>/` and the files in it. */
export function runPaths(reportsDir: string, runId: string): RunPaths {
  const dir = path.join(reportsDir, 'runs', runId);
  return {
    dir,
    state: path.join(dir, 'state.json'),
    events: path.join(dir, 'events.ndjson'),
    log: path.join(dir, 'run.log'),
    transcripts: path.join(dir, 'transcripts'),
    summaryMarkdown: path.join(dir, 'summary.md'),
    summaryJson: path.join(dir, 'summary.json'),
  };
}

/** A task id as a file name: ids are usually `T013`, but nothing stops `models/dit`. */
export function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** `transcripts/<task>.jsonl` */
export function transcriptFile(runDir: string, taskId: string): string {
  return path.join(runDir, 'transcripts', `${safeFileName(taskId)}.jsonl`);
}

/** `phase-<n>-<id>` (n is the 1-based position of the phase in the graph). */
export function phaseReportBase(runDir: string, position: number, phaseId: string): string {
  return path.join(runDir, `phase-${position}-${safeFileName(phaseId)}`);
}
