export * from './types.js';
export { RunEventBus, type RunEventBusOptions, type RunEventSubscriber } from './runEventBus.js';
export {
  addUsage,
  emptyUsage,
  parseRunState,
  readRunState,
  applyRunEvent,
  reduceRunState,
  RUN_STATE_SCHEMA_VERSION,
  type PhaseRecord,
  type RunNotice,
  type RunState,
  type TaskRecord,
  type TurnCost,
} from './runState.js';
export { phaseReportBase, runPaths, safeFileName, transcriptFile, type RunPaths } from './runPaths.js';
export { writeFileAtomic } from './atomicWrite.js';
export { readJsonLines } from './jsonLines.js';
export { redactDeep } from './redactEvent.js';
export { StateFileWriter } from './stateFileWriter.js';
export { NdjsonEventLog, readEventLog } from './ndjsonEventLog.js';
export { readTranscript, TranscriptWriter } from './transcriptWriter.js';
export { REDACTED_LOG_PATHS, RunLogger } from './runLogger.js';
export { plainLine, ProgressView, type ProgressViewOptions } from './progressView.js';
export { renderProgressFrame, type FrameOptions } from './progressFrame.js';
export { colorState, elapsedMs, formatClock, formatDuration, formatTokens, STATE_SYMBOLS } from './displayFormat.js';
export { countStates, describeCounts, type StateCounts } from './stateCounts.js';
export { attachRunRecorders, type RunRecorders } from './runRecorders.js';
