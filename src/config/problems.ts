// Building, sorting and printing ConfigProblems. Loaders collect problems instead of
// throwing so that one pass reports everything that is wrong.

import { relative, isAbsolute } from 'node:path';
import type { ConfigProblem, SourcePosition } from './types.js';

export function configError(message: string, source: SourcePosition, hint?: string): ConfigProblem {
  return hint === undefined ? { severity: 'error', message, source } : { severity: 'error', message, hint, source };
}

export function configWarning(message: string, source: SourcePosition, hint?: string): ConfigProblem {
  return hint === undefined
    ? { severity: 'warning', message, source }
    : { severity: 'warning', message, hint, source };
}

export function hasErrors(problems: readonly ConfigProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

export function countProblems(problems: readonly ConfigProblem[]): { errors: number; warnings: number } {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { errors, warnings: problems.length - errors };
}

/** By file, then line, then column; stable, so problems on one line keep discovery order. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort(
    (a, b) =>
      a.source.file.localeCompare(b.source.file) ||
      (a.source.line ?? 0) - (b.source.line ?? 0) ||
      (a.source.column ?? 0) - (b.source.column ?? 0),
  );
}

export interface FormatProblemOptions {
  /** Print file paths relative to this directory (usually the cwd) when they lie inside it. */
  relativeTo?: string;
}

/** `file:line:col` (line and column when known), optionally relative to a directory. */
export function formatPosition(source: SourcePosition, options: FormatProblemOptions = {}): string {
  let file = source.file;
  if (options.relativeTo !== undefined && isAbsolute(file)) {
    const rel = relative(options.relativeTo, file);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) file = rel;
  }
  if (source.line === undefined) return file;
  return source.column === undefined ? `${file}:${source.line}` : `${file}:${source.line}:${source.column}`;
}

/** `file:line:col: error: message` and, when there is one, `  hint: …` on the next line. */
export function formatProblem(problem: ConfigProblem, options: FormatProblemOptions = {}): string {
  const head = `${formatPosition(problem.source, options)}: ${problem.severity}: ${problem.message}`;
  return problem.hint === undefined ? head : `${head}\n  hint: ${problem.hint}`;
}
