// The one shape every Triton check reports in. `code` values are stable (documented in
// docs/triton-checks.md) so tests, the repair loop and users can key on them.

export type FindingSeverity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: FindingSeverity;
  /** Stable identifier, e.g. `pbtxt.unknown-field`. */
  code: string;
  /** Path of the file the finding is about (as given to the checker, or relative to its base dir). */
  file: string;
  line?: number;
  column?: number;
  message: string;
  /** How to fix it, in one sentence. */
  hint?: string;
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

  at(
    severity: FindingSeverity,
    code: string,
    file: string,
    pos: Located | undefined,
    message: string,
    hint?: string,
  ): void {
    const finding: Finding = { severity, code, file, message };
    if (pos) {
      finding.line = pos.line;
      finding.column = pos.column;
    }
    if (hint !== undefined) finding.hint = hint;
    this.findings.push(finding);
  }
}
