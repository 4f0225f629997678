// Building ConfigProblems. Loaders collect problems instead of throwing so that one pass
// reports everything that is wrong; sorting and printing are the shared diagnostic ones.

import type { SourcePosition } from '../util/diagnostic.js';
import type { ConfigProblem } from './types.js';

export function configError(message: string, source: SourcePosition, hint?: string): ConfigProblem {
  return problem('error', message, source, hint);
}

export function configWarning(message: string, source: SourcePosition, hint?: string): ConfigProblem {
  return problem('warning', message, source, hint);
}

function problem(severity: ConfigProblem['severity'], message: string, source: SourcePosition, hint: string | undefined): ConfigProblem {
  const position: SourcePosition = { file: source.file };
  if (source.line !== undefined) position.line = source.line;
  if (source.column !== undefined) position.column = source.column;
  return hint === undefined ? { severity, message, ...position } : { severity, message, hint, ...position };
}
