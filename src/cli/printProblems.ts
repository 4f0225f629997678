// Config problems as the user sees them: `file:line:col: error: …` plus the hint, paths
// relative to the cwd, sorted by position, and a count at the end.

import { countProblems, formatProblem, sortProblems } from '../config/problems.js';
import type { ConfigProblem } from '../config/types.js';
import type { TextSink } from './io.js';

export function printProblems(problems: readonly ConfigProblem[], out: TextSink, cwd: string): void {
  for (const problem of sortProblems(problems)) out.write(`${formatProblem(problem, { relativeTo: cwd })}\n`);
  const { errors, warnings } = countProblems(problems);
  if (errors > 0) out.write(`${plural(errors, 'error')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}\n`);
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
