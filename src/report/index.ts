export { parseJUnitXml } from '../verify/junit.js';
export { decodeEntities, descendants, parseXml, type XmlElement } from '../verify/xml.js';
export { describeCounts, type StateCounts } from '../events/index.js';
export {
  REPORT_SCHEMA_VERSION,
  summarizePhase,
  summarizeRun,
  summarizeTask,
  totalTokens,
  type PhaseSummary,
  type RunSummary,
  type SkippedCheck,
  type TaskSummary,
} from './summaries.js';
export { dagFlowchart, ganttChart } from './mermaid.js';
export { renderPhaseMarkdown } from './phaseMarkdown.js';
export { renderSummaryMarkdown } from './summaryMarkdown.js';
export { PhaseReporter } from './phaseReporter.js';
export { listRuns, loadRun, type LoadedRun, type RunListing } from './runStore.js';
export { renderRunReport, type RenderRunReportOptions } from './renderRunReport.js';
export { renderHtmlReport } from './html/renderHtmlReport.js';
export { readRunRecord, type RunRecord } from './html/runRecord.js';
export { writeHtmlSummary } from './html/writeHtmlReport.js';
