// Everything a run writes under reports/runs/<runId>/ subscribes to the event bus here:
// state, event log, transcripts, run log, and the phase and summary reports.
import type { ProgressViewOptions, RunEventBus } from '../events/index.js';
import { attachRunRecorders } from '../events/index.js';
import { PhaseReporter } from '../report/index.js';

export function attachRecorders(bus: RunEventBus, options: { runDir: string; progress?: ProgressViewOptions }): { close(): Promise<void> } {
  attachRunRecorders(bus, { runDir: options.runDir, ...(options.progress ? { progress: options.progress } : {}) });
  bus.attach(new PhaseReporter({ runDir: options.runDir }));
  return { close: () => bus.close() };
}
