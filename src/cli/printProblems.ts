// Config problems as the user sees them: `file:line:col: error: …` plus the hint, paths
// relative to the cwd, sorted by position, and a count at the end.

import { countDiagnostics, formatDiagnostic, sortDiagnostics, type Diagnostic } from '../util/diagnostic.js';
import { withFlagAdvice } from './flagAdvice.js';
import type { TextSink } from './io.js';

export function printProblems(problems: readonly Diagnostic[], out: TextSink, cwd: string): void {
  for (const problem of sortDiagnostics(problems)) out.write(`${formatDiagnostic(withFlagAdvice(problem), { relativeTo: cwd })}\n`);
  const { error: errors, warning: warnings } = countDiagnostics(problems);
  if (errors > 0) out.write(`${plural(errors, 'error')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}\n`);
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
