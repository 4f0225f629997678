// Writing summary.html: after a run (next to summary.md) and for `report --html`.
import path from 'node:path';
import { writeFileAtomic, type RunState } from '../../events/index.js';
import { renderHtmlReport } from './renderHtmlReport.js';
import { readRunRecord } from './runRecord.js';

/** Renders the run in `runDir` to `file` (default `<runDir>/summary.html`); returns the path written. */
export async function writeHtmlSummary(runDir: string, file = path.join(runDir, 'summary.html'), state?: RunState): Promise<string> {
  const html = renderHtmlReport(await readRunRecord(runDir, state));
  await writeFileAtomic(file, html);
  return file;
}
