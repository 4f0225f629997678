// Parameters the python backend and core read, whose values are easy to get wrong.
import * as path from 'node:path';
import { mapEntries, str } from '../schema/decoded.js';
import type { Rule } from './context.js';

const MODEL_DIR_VAR = '$$TRITON_MODEL_DIRECTORY';

/** True when a path (after the model-directory variable) stays inside the model directory. */
export function staysInsideModelDir(value: string): boolean {
  let rest = value;
  if (rest.startsWith(MODEL_DIR_VAR)) rest = rest.slice(MODEL_DIR_VAR.length).replace(/^\/+/, '');
  else if (path.posix.isAbsolute(rest)) return true; // an absolute path is the user's choice, not an escape
  const normalized = path.posix.normalize(rest === '' ? '.' : rest);
  return normalized !== '..' && !normalized.startsWith('../');
}

export const parameterRules: Rule = (ctx) => {
  for (const entry of mapEntries(ctx.config, 'parameters')) {
    const valueMsg = entry.value?.kind === 'message' ? entry.value.message : undefined;
    const value = str(valueMsg, 'string_value');
    if (valueMsg === undefined) {
      ctx.report('warning', 'config.parameter-value', entry.entry.pos, `parameter '${entry.key}' has no value`, `write value: { string_value: "..." }`);
      continue;
    }
    if (entry.key === 'EXECUTION_ENV_PATH' && value !== undefined) {
      if (value.startsWith(MODEL_DIR_VAR) ? !staysInsideModelDir(value) : value.includes('..') && !staysInsideModelDir(value)) {
        ctx.report(
          'error',
          'config.execution-env-path',
          valueMsg.pos,
          `EXECUTION_ENV_PATH "${value}" escapes the model directory`,
          `point it at a file under ${MODEL_DIR_VAR}/, e.g. "${MODEL_DIR_VAR}/env.tar.gz"`,
        );
      }
    }
    if (entry.key === 'FORCE_CPU_ONLY_INPUT_TENSORS' && value !== undefined && value !== 'yes' && value !== 'no') {
      ctx.report('error', 'config.parameter-value', valueMsg.pos, `FORCE_CPU_ONLY_INPUT_TENSORS must be "yes" or "no" (found "${value}")`);
    }
  }
};
