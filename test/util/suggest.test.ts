import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from '../../src/util/suggest.js';

describe('one "did you mean" for every layer', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('T090', 'T009')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests config names, Triton fields and enum values with the same threshold', () => {
    expect(closestMatch('max-turns', ['maxTurns', 'model'])).toBe('maxTurns');
    expect(closestMatch('max_batch_sise', ['max_batch_size', 'name'])).toBe('max_batch_size');
    expect(closestMatch('TYPE_FP322', ['TYPE_FP32', 'TYPE_INT64'])).toBe('TYPE_FP32');
    // Too far to be a typo: no suggestion rather than a misleading one.
    expect(closestMatch('ab', ['xy'])).toBeUndefined();
    expect(closestMatch('instance_group', ['dynamic_batching'])).toBeUndefined();
  });

  it('quotes the suggestion the way the surrounding message does', () => {
    expect(didYouMean('phaess', ['phases'])).toBe('did you mean `phases`? ');
    expect(didYouMean('imgae', ['image'], '"')).toBe('did you mean "image"? ');
    expect(didYouMean('zzz', ['image'])).toBe('');
  });
});
