// model_warmup: each sample must be loadable, or the model never becomes ready.
import { enumName, field, has, int, ints, mapEntries, messages, posOf, str } from '../schema/decoded.js';
import { maxBatchSize } from './batching.js';
import type { Rule } from './context.js';

export const warmupRules: Rule = (ctx) => {
  const mbs = maxBatchSize(ctx);
  const declared = new Map(messages(ctx.config, 'input').map((m) => [str(m, 'name') ?? '', m]));
  for (const sample of messages(ctx.config, 'model_warmup')) {
    const sampleName = str(sample, 'name') ?? '(unnamed)';
    const batch = int(sample, 'batch_size');
    if (batch !== undefined && mbs > 0 && batch > mbs) {
      ctx.report(
        'error',
        'config.warmup-batch-size',
        posOf(sample, 'batch_size'),
        `warmup '${sampleName}' has batch_size ${batch}, larger than max_batch_size ${mbs}`,
        `use a batch_size between 1 and ${mbs}`,
      );
    } else if (batch !== undefined && mbs === 0 && batch > 1) {
      ctx.report(
        'error',
        'config.warmup-batch-size',
        posOf(sample, 'batch_size'),
        `warmup '${sampleName}' has batch_size ${batch}, but the model does not batch (max_batch_size 0)`,
        'use batch_size: 1',
      );
    } else if (!has(sample, 'batch_size') || batch === 0) {
      ctx.report(
        'warning',
        'config.warmup-batch-size',
        has(sample, 'batch_size') ? posOf(sample, 'batch_size') : sample.pos,
        `warmup '${sampleName}' has batch_size 0, so Triton skips it`,
        'set batch_size: 1',
      );
    }
    for (const entry of mapEntries(sample, 'inputs')) {
      const input = entry.value?.kind === 'message' ? entry.value.message : undefined;
      const where = `warmup '${sampleName}' input '${entry.key}'`;
      if (!input) {
        ctx.report('error', 'config.warmup-input', entry.entry.pos, `${where} has no value`, 'add value { data_type: ... dims: [...] zero_data: true }');
        continue;
      }
      const sources = ['zero_data', 'random_data', 'input_data_file'].filter((f) => has(input, f));
      if (sources.length === 0) {
        ctx.report(
          'error',
          'config.warmup-no-data',
          input.pos,
          `${where} has no data source; Triton fails to load the model`,
          'add exactly one of zero_data: true, random_data: true or input_data_file: "<file in warmup/>"',
        );
      }
      for (const d of ints(input, 'dims')) {
        if (d.value === -1) {
          ctx.report('error', 'config.warmup-dims', d.pos, `${where} uses -1 in dims; warmup samples need concrete sizes`, 'replace -1 with a real size');
        } else if (d.value < 1) {
          ctx.report('error', 'config.warmup-dims', d.pos, `${where} has dimension ${d.value}; sizes must be >= 1`);
        }
      }
      const decl = declared.get(entry.key);
      if (!decl) {
        ctx.report(
          'error',
          'config.warmup-input',
          entry.keyPos,
          `${where} is not an input of the model`,
          `use one of the declared inputs: ${[...declared.keys()].filter(Boolean).join(', ') || '(none)'}`,
        );
        continue;
      }
      const wantType = enumName(decl, 'data_type');
      const gotType = enumName(input, 'data_type');
      if (wantType && gotType && wantType !== gotType) {
        ctx.report(
          'error',
          'config.warmup-input',
          posOf(input, 'data_type'),
          `${where} has data_type ${gotType} but the input is declared ${wantType}`,
          `use data_type: ${wantType}`,
        );
      }
      if (!field(input, 'data_type')) {
        ctx.report('error', 'config.warmup-input', input.pos, `${where} has no data_type`, `add data_type: ${wantType ?? 'TYPE_FP32'}`);
      }
    }
  }
};
