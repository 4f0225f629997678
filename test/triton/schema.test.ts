import { describe, expect, it } from 'vitest';
import { checkConfigText } from '../../src/triton/index.js';
import { MESSAGES, messageDef } from '../../src/triton/schema/modelConfig.js';
import { int, ints, messages, str } from '../../src/triton/schema/decoded.js';

function issues(src: string) {
  return checkConfigText(src, 'config.pbtxt').findings.map((f) => ({
    severity: f.severity,
    code: f.code,
    line: f.line,
    column: f.column,
    message: f.message,
    hint: f.hint,
  }));
}
function one(src: string) {
  const list = issues(src);
  expect(list, JSON.stringify(list)).toHaveLength(1);
  return list[0]!;
}

describe('schema table', () => {
  it('resolves every message and enum a field refers to', () => {
    for (const msg of MESSAGES) {
      for (const f of msg.fields) {
        if (f.type.kind === 'message') expect(() => messageDef((f.type as { message: string }).message)).not.toThrow();
        if (f.type.kind === 'map' && f.type.value.kind === 'message')
          expect(() => messageDef((f.type as { value: { message: string } }).value.message)).not.toThrow();
      }
    }
  });

  it('has the ModelConfig fields of the reference, with no field number 22', () => {
    const top = messageDef('ModelConfig');
    expect(top.fields).toHaveLength(25);
    expect(top.fields.map((f) => f.number)).not.toContain(22);
  });
});

describe('typed decoding', () => {
  it('decodes a valid config with maps, lists and bools', () => {
    const { config, findings } = checkConfigText(
      'name: "m"\nmax_batch_size: 0x8\ninput [{ name: "a" data_type: TYPE_FP32 dims: [1, -1] optional: True }]\n' +
        'parameters: { key: "k", value: { string_value: "v" } }\nresponse_cache { enable: t }\nversion_policy: { all { } }',
      'c',
    );
    expect(findings).toEqual([]);
    expect(int(config, 'max_batch_size')).toBe(8);
    expect(ints(messages(config, 'input')[0], 'dims').map((d) => d.value)).toEqual([1, -1]);
    expect(str(config, 'name')).toBe('m');
  });

  it('names the message type and suggests the closest field for a misspelling', () => {
    expect(one('max_batch_sise: 8')).toMatchObject({ code: 'pbtxt.unknown-field', line: 1, column: 1, hint: "did you mean 'max_batch_size'?" });
    const f = one('model_warmup { name: "w" batch_size: 1 shape: [1] }');
    expect(f).toMatchObject({ code: 'pbtxt.unknown-field', line: 1, column: 40 });
    expect(f.message).toContain('ModelWarmup');
    expect(f.hint).toContain('valid fields of ModelWarmup');
  });

  it('rejects wrong value kinds with line:col', () => {
    expect(one('input { data_type: "TYPE_FP32" }')).toMatchObject({ code: 'pbtxt.quoted-enum', line: 1, column: 20, hint: 'write data_type: TYPE_FP32' });
    expect(one('max_batch_size: "8"')).toMatchObject({ code: 'pbtxt.wrong-type', column: 17 });
    expect(one('max_batch_size: 1.5')).toMatchObject({ code: 'pbtxt.wrong-type' });
    expect(one('name: [ "a" ]')).toMatchObject({ code: 'pbtxt.list-on-singular' });
    expect(one('max_batch_size 8')).toMatchObject({ code: 'pbtxt.missing-colon', line: 1, column: 1 });
    expect(one('input { name: "a" }\nname: "x"\nname: "y"')).toMatchObject({ code: 'pbtxt.duplicate-field', severity: 'error', line: 3 });
    expect(one('model_warmup { inputs { key: "a" value { zero_data: true random_data: true } } }')).toMatchObject({ code: 'pbtxt.oneof-conflict' });
    expect(one('dynamic_batching { }\nsequence_batching { }')).toMatchObject({ code: 'pbtxt.oneof-conflict', line: 2 });
    expect(one('dynamic_batching { max_queue_delay_microseconds: -1 }')).toMatchObject({ code: 'pbtxt.negative-unsigned' });
    expect(one('max_batch_size: 2147483648')).toMatchObject({ code: 'pbtxt.out-of-range' });
    expect(one('input { data_type: TYPE_FP322 }')).toMatchObject({ code: 'pbtxt.unknown-enum', column: 20, hint: 'did you mean TYPE_FP32?' });
    expect(one('input { data_type: 99 }')).toMatchObject({ code: 'pbtxt.unknown-enum' });
    expect(one('dynamic_batching: 1')).toMatchObject({ code: 'pbtxt.wrong-type' });
    expect(one('input { name { } }')).toMatchObject({ code: 'pbtxt.wrong-type' });
    expect(one('response_cache { enable: yes }')).toMatchObject({ code: 'pbtxt.wrong-type' });
    expect(one('name: "\\xff"')).toMatchObject({ code: 'pbtxt.invalid-utf8' });
  });

  it('accepts the alternative spellings Triton accepts', () => {
    expect(
      issues(
        'max_batch_size: 010\ninstance_group { kind: 2 }\nresponse_cache { enable: 1 }\nmodel_metrics { metric_control { histogram_options { buckets: [1, 2.5f, inf] } } }',
      ),
    ).toEqual([]);
    expect(int(checkConfigText('max_batch_size: 010', 'c').config, 'max_batch_size')).toBe(8);
  });

  it('warns (not errors) when a scalar set to its default is set again, and on duplicate map keys', () => {
    expect(one('max_batch_size: 0\nmax_batch_size: 4')).toMatchObject({ severity: 'warning', code: 'pbtxt.duplicate-field' });
    expect(one('parameters { key: "a" value { string_value: "1" } }\nparameters { key: "a" value { string_value: "2" } }')).toMatchObject({
      severity: 'warning',
      code: 'pbtxt.duplicate-map-key',
      line: 2,
    });
  });

  it('reports a syntax error as pbtxt.syntax with the position', () => {
    expect(one('name: "x"\ninput {')).toMatchObject({ code: 'pbtxt.syntax', line: 2, column: 8 });
  });
});
