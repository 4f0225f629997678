// Everything a run writes under reports/runs/<runId>/ subscribes to the event bus here:
// state, event log, transcripts, run log, and the phase and summary reports.
import type { ProgressViewOptions, RunEventBus, RunState } from '../events/index.js';
import { attachRunRecorders } from '../events/index.js';
import { PhaseReporter } from '../report/index.js';

export function attachRecorders(
  bus: RunEventBus,
  options: { runDir: string; progress?: ProgressViewOptions; resumedState?: RunState },
): { close(): Promise<void> } {
  const resumed = options.resumedState ? { resumedState: options.resumedState } : {};
  attachRunRecorders(bus, { runDir: options.runDir, ...(options.progress ? { progress: options.progress } : {}), ...resumed });
  bus.attach(new PhaseReporter({ runDir: options.runDir, ...(options.resumedState ? { initial: options.resumedState } : {}) }));
  return { close: () => bus.close() };
}
