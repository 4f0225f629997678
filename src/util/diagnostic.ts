// The one shape every problem report takes, whoever finds it: the config loader (agents,
// task graph) and the Triton checker alike. One type, one order, one formatter, so
// `validate`, `plan`, `check` and the verify step print problems the same way.

import { isAbsolute } from 'node:path';
import { displayPath } from './displayPath.js';

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/** A place in a file; line and column are 1-based and present when known. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

export interface Diagnostic extends SourcePosition {
  severity: DiagnosticSeverity;
  /** Stable identifier where the reporter has one, e.g. `pbtxt.unknown-field`. */
  code?: string;
  message: string;
  /** How to fix it, in one sentence. */
  hint?: string;
}

export interface FormatDiagnosticOptions {
  /** Print file paths relative to this directory (usually the cwd) when they lie inside it. */
  relativeTo?: string;
  /** Colour the severity word (ANSI), for a terminal. */
  color?: boolean;
}

const SEVERITY_ORDER: Record<DiagnosticSeverity, number> = { error: 0, warning: 1, info: 2 };
const SEVERITY_COLOR: Record<DiagnosticSeverity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m' };

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function countDiagnostics(diagnostics: readonly Diagnostic[]): Record<DiagnosticSeverity, number> {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return counts;
}

/** By file, line, column, then errors first; stable, so problems at one place keep discovery order. */
export function sortDiagnostics<T extends Diagnostic>(diagnostics: readonly T[]): T[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
}

/** `file:line:col` (line and column when known), optionally relative to a directory. */
export function formatPosition(position: SourcePosition, options: FormatDiagnosticOptions = {}): string {
  const file = options.relativeTo !== undefined && isAbsolute(position.file) ? displayPath(position.file, options.relativeTo) : position.file;
  if (position.line === undefined) return file;
  return position.column === undefined ? `${file}:${position.line}` : `${file}:${position.line}:${position.column}`;
}

/** `file:line:col: error [code]: message` and, when there is one, `  hint: …` on the next line. */
export function formatDiagnostic(diagnostic: Diagnostic, options: FormatDiagnosticOptions = {}): string {
  const severity = options.color ? `${SEVERITY_COLOR[diagnostic.severity]}${diagnostic.severity}\x1b[0m` : diagnostic.severity;
  const code = diagnostic.code === undefined ? '' : ` [${diagnostic.code}]`;
  const head = `${formatPosition(diagnostic, options)}: ${severity}${code}: ${diagnostic.message}`;
  return diagnostic.hint === undefined ? head : `${head}\n  hint: ${diagnostic.hint}`;
}
