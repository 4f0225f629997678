// What a load-time rule gets: one model with a decoded config, and a way to report.
import type { FindingSeverity } from '../findings.js';
import type { LoadedModel } from '../model.js';
import type { Position } from '../pbtxt/ast.js';
import type { DecodedMessage } from '../schema/decoded.js';

export interface RuleContext {
  model: LoadedModel;
  config: DecodedMessage;
  /** Whether the model's version directory holds a model.py (for backend inference). */
  hasModelPy: boolean;
  report(severity: FindingSeverity, code: string, pos: Position | undefined, message: string, hint?: string): void;
}

export type Rule = (ctx: RuleContext) => void;
