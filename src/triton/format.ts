// Human/LLM-readable and JSON renderings of a CheckReport.
import type { CheckReport, Finding } from './findings.js';

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', reset: '\x1b[0m', dim: '\x1b[2m' };

function location(f: Finding): string {
  if (f.line === undefined) return f.file;
  return `${f.file}:${f.line}:${f.column ?? 1}`;
}

/** One line per finding, `file:line:col: severity [code] message`, then `  fix: hint`, then a summary. */
export function formatFindings(report: CheckReport, opts: { color?: boolean } = {}): string {
  const paint = (text: string, color: keyof typeof COLORS): string => (opts.color ? `${COLORS[color]}${text}${COLORS.reset}` : text);
  const lines: string[] = [];
  for (const f of report.findings) {
    lines.push(`${location(f)}: ${paint(f.severity, f.severity)} [${f.code}] ${f.message}`);
    if (f.hint) lines.push(`  fix: ${f.hint}`);
  }
  for (const note of report.notes) lines.push(paint(`note: ${note}`, 'dim'));
  const count = (s: Finding['severity']): number => report.findings.filter((f) => f.severity === s).length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info in ${plural(report.models.length, 'model')}` +
      (report.pythonAvailable ? '' : ' (Python checks skipped)'),
  );
  return lines.join('\n');
}

export function reportToJson(report: CheckReport): string {
  const count = (s: Finding['severity']): number => report.findings.filter((f) => f.severity === s).length;
  return JSON.stringify(
    { ...report, summary: { errors: count('error'), warnings: count('warning'), infos: count('info') } },
    null,
    2,
  );
}

export function hasErrors(report: CheckReport): boolean {
  return report.findings.some((f) => f.severity === 'error');
}
