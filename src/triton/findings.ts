// What every Triton check reports: the shared Diagnostic, always with a `code`. Codes are
// stable (documented in docs/triton-checks.md) so tests, the repair loop and users can key
// on them. `file` is as given to the checker, or relative to its base dir.
import type { Diagnostic, DiagnosticSeverity } from '../util/diagnostic.js';

export type FindingSeverity = DiagnosticSeverity;

export interface Finding extends Diagnostic {
  /** Stable identifier, e.g. `pbtxt.unknown-field`. */
  code: string;
}

export interface CheckReport {
  findings: Finding[];
  /** Names of the models that were checked. */
  models: string[];
  pythonAvailable: boolean;
  /** What was skipped or assumed, e.g. "python3 not found: Python checks skipped". */
  notes: string[];
}

export interface Located {
  line: number;
  column: number;
}

/** Builds findings for one file with positions taken from syntax nodes. */
export class FindingSink {
  readonly findings: Finding[] = [];

  push(finding: Finding): void {
    this.findings.push(finding);
  }

  at(severity: FindingSeverity, code: string, file: string, pos: Located | undefined, message: string, hint?: string): void {
    const finding: Finding = { severity, code, file, message };
    if (pos) {
      finding.line = pos.line;
      finding.column = pos.column;
    }
    if (hint !== undefined) finding.hint = hint;
    this.findings.push(finding);
  }
}
