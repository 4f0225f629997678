// Inputs and outputs: what every tensor declaration needs, per Triton's load-time checks.
import type { Position } from '../pbtxt/ast.js';
import { bool, enumName, field, has, ints, message, messages, posOf, str, type DecodedMessage } from '../schema/decoded.js';
import type { Rule, RuleContext } from './context.js';

type Io = { kind: 'input' | 'output'; msg: DecodedMessage };

function ios(ctx: RuleContext): Io[] {
  return [
    ...messages(ctx.config, 'input').map((msg) => ({ kind: 'input' as const, msg })),
    ...messages(ctx.config, 'output').map((msg) => ({ kind: 'output' as const, msg })),
  ];
}

function label(io: Io): string {
  const name = str(io.msg, 'name');
  return name ? `${io.kind} '${name}'` : `an ${io.kind}`;
}

/** Every input/output has a name, a real data_type and a non-empty dims whose entries are >= 1 or -1. */
export const tensorDeclarations: Rule = (ctx) => {
  for (const io of ios(ctx)) {
    if (!str(io.msg, 'name')) {
      ctx.report('error', 'config.tensor-name-missing', io.msg.pos, `${io.kind} has no name`, 'add name: "<tensor name>"');
    }
    const dt = enumName(io.msg, 'data_type');
    if (!has(io.msg, 'data_type') || dt === 'TYPE_INVALID') {
      ctx.report(
        'error',
        'config.data-type-missing',
        has(io.msg, 'data_type') ? posOf(io.msg, 'data_type') : io.msg.pos,
        `${label(io)} has no data_type (TYPE_INVALID)`,
        'add data_type: TYPE_FP32 (or the type the model produces/consumes)',
      );
    }
    const dims = ints(io.msg, 'dims');
    if (dims.length === 0) {
      ctx.report(
        'error',
        'config.dims-empty',
        has(io.msg, 'dims') ? posOf(io.msg, 'dims') : io.msg.pos,
        `${label(io)} has no dims; Triton needs rank >= 1 (the batch dimension is not written when max_batch_size > 0)`,
        'add dims: [ ... ], e.g. dims: [ 1 ] for one value per batch item',
      );
    }
    for (const d of dims) {
      if (d.value === 0 || d.value < -1) {
        ctx.report(
          'error',
          'config.dims-invalid',
          d.pos,
          `${label(io)} has dimension ${d.value}; each entry must be >= 1, or -1 for a variable size`,
          d.value < -1 ? 'use -1 for a variable-size dimension' : 'use -1 for a variable size or the real size',
        );
      }
    }
  }
};

/** Triton puts tensors in a map by name, so a duplicate silently wins; make it an error. */
export const uniqueTensorNames: Rule = (ctx) => {
  for (const kind of ['input', 'output'] as const) {
    const seen = new Map<string, Position>();
    for (const msg of messages(ctx.config, kind)) {
      const name = str(msg, 'name');
      if (!name) continue;
      const first = seen.get(name);
      if (first) {
        ctx.report(
          'error',
          'config.duplicate-tensor',
          posOf(msg, 'name'),
          `${kind} '${name}' is declared twice (first at line ${first.line})`,
          `remove or rename one of the '${name}' ${kind}s`,
        );
      } else {
        seen.set(name, posOf(msg, 'name'));
      }
    }
  }
};

/** The element counts of two shapes agree, with -1s matched run by run (Triton's rule). */
export function reshapeCompatible(dims: number[], shape: number[]): boolean {
  const wild = (xs: number[]): number => xs.filter((x) => x === -1).length;
  if (wild(dims) !== wild(shape)) return false;
  const runs = (xs: number[]): number[] => {
    const out = [1];
    for (const x of xs) {
      if (x === -1) out.push(1);
      else out[out.length - 1] = (out[out.length - 1] as number) * x;
    }
    return out;
  };
  const a = runs(dims);
  const b = runs(shape);
  return a.every((x, i) => x === b[i]);
}

export const reshapeRules: Rule = (ctx) => {
  const mbs = ctxMaxBatch(ctx);
  for (const io of ios(ctx)) {
    const reshape = message(io.msg, 'reshape');
    if (!reshape) continue;
    const shape = ints(reshape, 'shape');
    const dims = ints(io.msg, 'dims').map((d) => d.value);
    const at = has(reshape, 'shape') ? posOf(reshape, 'shape') : reshape.pos;
    for (const s of shape) {
      if (s.value === 0 || s.value < -1) {
        ctx.report('error', 'config.reshape-invalid', s.pos, `reshape of ${label(io)} has dimension ${s.value}; entries must be >= 1 or -1`);
      }
    }
    if (shape.length === 0) {
      if (mbs === 0) {
        ctx.report(
          'error',
          'config.reshape-invalid',
          at,
          `reshape of ${label(io)} is empty, which is not allowed when max_batch_size is 0 (no scalar tensors)`,
          'give reshape a shape or remove it',
        );
      } else if (dims.reduce((p, d) => p * d, 1) !== 1) {
        ctx.report('error', 'config.reshape-invalid', at, `an empty reshape of ${label(io)} needs dims with exactly one element`);
      }
      continue;
    }
    if (
      !reshapeCompatible(
        dims,
        shape.map((s) => s.value),
      )
    ) {
      ctx.report(
        'error',
        'config.reshape-invalid',
        at,
        `reshape [${shape.map((s) => s.value).join(', ')}] of ${label(io)} does not hold the same elements as dims [${dims.join(', ')}]`,
        'the element counts must match, with the same number of -1s and equal products between them',
      );
    }
  }
};

function ctxMaxBatch(ctx: RuleContext): number {
  const v = field(ctx.config, 'max_batch_size')?.values[0];
  return v?.kind === 'int' ? v.value : 0;
}

/** format, is_shape_tensor and is_non_linear_format_io have narrow conditions. */
export const tensorFlags: Rule = (ctx) => {
  const platform = str(ctx.config, 'platform');
  for (const io of ios(ctx)) {
    const dims = ints(io.msg, 'dims');
    const format = enumName(io.msg, 'format');
    if ((format === 'FORMAT_NHWC' || format === 'FORMAT_NCHW') && dims.length !== 3) {
      ctx.report(
        'error',
        'config.format-dims',
        posOf(io.msg, 'format'),
        `${label(io)} has format ${format}, which needs exactly 3 dims (found ${dims.length})`,
        'use 3 dims (without the batch) or drop format',
      );
    }
    if (bool(io.msg, 'is_shape_tensor') && platform !== 'tensorrt_plan') {
      ctx.report(
        'error',
        'config.shape-tensor-platform',
        posOf(io.msg, 'is_shape_tensor'),
        `${label(io)} sets is_shape_tensor, which only TensorRT models (platform tensorrt_plan) support`,
        'remove is_shape_tensor',
      );
    }
    if (bool(io.msg, 'is_non_linear_format_io')) {
      if (platform !== 'tensorrt_plan') {
        ctx.report(
          'error',
          'config.non-linear-io-platform',
          posOf(io.msg, 'is_non_linear_format_io'),
          `${label(io)} sets is_non_linear_format_io, which only TensorRT models support`,
          'remove is_non_linear_format_io',
        );
      } else if (dims.length !== 3) {
        ctx.report('error', 'config.format-dims', posOf(io.msg, 'is_non_linear_format_io'), `${label(io)}: is_non_linear_format_io needs exactly 3 dims`);
      }
    }
  }
};
