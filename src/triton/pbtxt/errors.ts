/** A syntax error in a text-format file, at a 1-based line and column. */
export class PbtxtParseError extends Error {
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${line}:${column}: ${detail}`);
    this.name = 'PbtxtParseError';
  }
}
