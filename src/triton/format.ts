// Human/LLM-readable and JSON renderings of a CheckReport; each finding is printed by the
// shared diagnostic formatter, so `check` reads like `validate`.
import { countDiagnostics, formatDiagnostic } from '../util/diagnostic.js';
import type { CheckReport } from './findings.js';

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** One finding per `file:line:col: severity [code]: message` line, then `  hint: …`, then a summary. */
export function formatFindings(report: CheckReport, opts: { color?: boolean } = {}): string {
  const lines = report.findings.map((f) => formatDiagnostic(f, { color: opts.color ?? false }));
  for (const note of report.notes) lines.push(opts.color ? `${DIM}note: ${note}${RESET}` : `note: ${note}`);
  const count = countDiagnostics(report.findings);
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    `${plural(count.error, 'error')}, ${plural(count.warning, 'warning')}, ${count.info} info in ${plural(report.models.length, 'model')}` +
      (report.pythonAvailable ? '' : ' (Python checks skipped)'),
  );
  return lines.join('\n');
}

export function reportToJson(report: CheckReport): string {
  const count = countDiagnostics(report.findings);
  return JSON.stringify({ ...report, summary: { errors: count.error, warnings: count.warning, infos: count.info } }, null, 2);
}
