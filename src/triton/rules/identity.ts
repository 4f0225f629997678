// Name and backend: the two mistakes that stop a python model from loading at all.
import { has, posOf, str } from '../schema/decoded.js';
import type { Rule } from './context.js';

/** If `name` is given it must equal the directory name (Triton refuses to load otherwise). */
export const nameMatchesDirectory: Rule = (ctx) => {
  const name = str(ctx.config, 'name');
  if (name !== undefined && name !== ctx.model.name) {
    ctx.report(
      'error',
      'config.name-mismatch',
      posOf(ctx.config, 'name'),
      `name "${name}" does not match the model directory "${ctx.model.name}"`,
      `write name: "${ctx.model.name}" (or rename the directory)`,
    );
  }
};

/** Python models use `backend: "python"`; `platform` is for TensorRT/ONNX/TorchScript/ensembles. */
export const pythonBackend: Rule = (ctx) => {
  const platform = str(ctx.config, 'platform');
  const backend = str(ctx.config, 'backend');
  if (platform === 'python') {
    ctx.report(
      'error',
      'config.platform-python',
      posOf(ctx.config, 'platform'),
      'platform: "python" is not a Triton platform; python models are selected with the backend field',
      backend === 'python' ? 'delete the platform line' : 'replace it with backend: "python" and drop platform',
    );
    return;
  }
  if (backend === 'python' && platform !== undefined && platform !== '') {
    ctx.report(
      'error',
      'config.platform-with-python-backend',
      posOf(ctx.config, 'platform'),
      `a python-backend model must not set platform (found "${platform}")`,
      'delete the platform line',
    );
  }
  if (ctx.hasModelPy && backend === undefined && platform === undefined) {
    ctx.report(
      'warning',
      'config.backend-missing',
      { line: 1, column: 1 },
      'the config sets neither backend nor platform; Triton only infers python from model.py',
      'add backend: "python"',
    );
  }
  if (ctx.hasModelPy && backend !== undefined && backend !== 'python' && !has(ctx.config, 'runtime')) {
    ctx.report(
      'warning',
      'config.backend-not-python',
      posOf(ctx.config, 'backend'),
      `the model has a model.py but backend is "${backend}"`,
      'use backend: "python" for a model implemented in model.py',
    );
  }
};
