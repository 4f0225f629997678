// The standard set of subscribers for one run, so the scheduler's caller wires them in one
// call: state file, event log, transcripts and run log under the run's directory, plus an
// optional progress view. (Phase reports live in src/report and are attached separately.)
import { NdjsonEventLog } from './ndjsonEventLog.js';
import { ProgressView, type ProgressViewOptions } from './progressView.js';
import type { RunEventBus } from './runEventBus.js';
import { RunLogger } from './runLogger.js';
import type { RunState } from './runState.js';
import { StateFileWriter } from './stateFileWriter.js';
import { TranscriptWriter } from './transcriptWriter.js';

export interface RunRecorders {
  state: StateFileWriter;
  events: NdjsonEventLog;
  transcripts: TranscriptWriter;
  log: RunLogger;
  progress?: ProgressView;
}

export function attachRunRecorders(
  bus: RunEventBus,
  options: { runDir: string; progress?: ProgressViewOptions /** The state a resumed run continues. */; resumedState?: RunState },
): RunRecorders {
  const recorders: RunRecorders = {
    // Resume rebuilds a run from these three, so a run that cannot write them must stop.
    state: bus.attach(new StateFileWriter({ runDir: options.runDir, ...(options.resumedState ? { initial: options.resumedState } : {}) }), { essential: true }),
    events: bus.attach(new NdjsonEventLog({ runDir: options.runDir }), { essential: true }),
    transcripts: bus.attach(new TranscriptWriter({ runDir: options.runDir }), { essential: true }),
    log: bus.attach(new RunLogger({ runDir: options.runDir })),
  };
  if (options.progress) recorders.progress = bus.attach(new ProgressView(options.progress));
  return recorders;
}
