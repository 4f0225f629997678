// A model's declared tensors in the form the Python and contract checks compare against.
import type { LoadedModel } from './model.js';
import type { Position } from './pbtxt/ast.js';
import { bool, enumName, int, ints, messages, posOf, str } from './schema/decoded.js';

export interface TensorDecl {
  model: string;
  direction: 'input' | 'output';
  name: string;
  dataType: string | undefined;
  dims: number[];
  optional: boolean;
  namePos: Position;
  dataTypePos: Position;
  dimsPos: Position;
}

export function declaredTensors(model: LoadedModel, direction: 'input' | 'output'): TensorDecl[] {
  return messages(model.config, direction).flatMap((msg) => {
    const name = str(msg, 'name');
    if (!name) return [];
    return [
      {
        model: model.name,
        direction,
        name,
        dataType: enumName(msg, 'data_type'),
        dims: ints(msg, 'dims').map((d) => d.value),
        optional: bool(msg, 'optional') ?? false,
        namePos: posOf(msg, 'name'),
        dataTypePos: posOf(msg, 'data_type'),
        dimsPos: posOf(msg, 'dims'),
      },
    ];
  });
}

export function maxBatch(model: LoadedModel): number {
  return int(model.config, 'max_batch_size') ?? 0;
}

/** The shape a client sees: `[-1] + dims` when the model batches. */
export function fullShape(model: LoadedModel, t: TensorDecl): number[] {
  return maxBatch(model) > 0 ? [-1, ...t.dims] : t.dims;
}

export function shapesCompatible(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === -1 || b[i] === -1 || x === b[i]);
}

export const fmtDims = (dims: number[]): string => `[${dims.join(', ')}]`;

/** numpy/torch dtype names as the analyser reports them → Triton data types. */
// `float`/`int` are left out on purpose: numpy reads them as 64-bit, torch as 32-bit.
export const NUMPY_TO_TRITON: Record<string, string> = {
  float32: 'TYPE_FP32',
  float16: 'TYPE_FP16',
  half: 'TYPE_FP16',
  bfloat16: 'TYPE_BF16',
  float64: 'TYPE_FP64',
  double: 'TYPE_FP64',
  int64: 'TYPE_INT64',
  long: 'TYPE_INT64',
  int32: 'TYPE_INT32',
  int16: 'TYPE_INT16',
  int8: 'TYPE_INT8',
  uint8: 'TYPE_UINT8',
  uint16: 'TYPE_UINT16',
  uint32: 'TYPE_UINT32',
  uint64: 'TYPE_UINT64',
  bool: 'TYPE_BOOL',
  bool_: 'TYPE_BOOL',
  object_: 'TYPE_STRING',
  bytes_: 'TYPE_STRING',
};
