// Runs the load-time rules over one decoded config.
import type { Finding } from './findings.js';
import type { LoadedModel } from './model.js';
import { LOAD_TIME_RULES } from './rules/index.js';
import type { RuleContext } from './rules/index.js';

export function runLoadTimeRules(model: LoadedModel): Finding[] {
  const config = model.config;
  if (!config) return [];
  const findings: Finding[] = [];
  const ctx: RuleContext = {
    model,
    config,
    hasModelPy: model.pythonPath !== undefined,
    report(severity, code, pos, message, hint) {
      const f: Finding = { severity, code, file: model.configFile, message };
      if (pos) {
        f.line = pos.line;
        f.column = pos.column;
      }
      if (hint !== undefined) f.hint = hint;
      findings.push(f);
    },
  };
  for (const rule of LOAD_TIME_RULES) rule(ctx);
  return findings;
}
