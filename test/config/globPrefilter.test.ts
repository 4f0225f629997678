import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globShape, shapesMayOverlap } from '../../src/config/globPrefilter.js';
import { globsMayOverlap } from '../../src/util/glob.js';

const segment = fc.constantFrom('a', 'b', 'vae', '*', '**', '*.py', 'model.py', 'x?', '{a,b}', '[ab]');
const glob = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));

describe('glob prefilter', () => {
  it('never rules out a pair the exact test says overlaps (sound)', () => {
    fc.assert(
      fc.property(glob, glob, (a, b) => {
        if (globsMayOverlap(a, b)) expect(shapesMayOverlap(globShape(a), globShape(b))).toBe(true);
      }),
      { seed: 20261127, numRuns: 400 },
    );
  });

  it('rules out different directories and different file names', () => {
    expect(shapesMayOverlap(globShape('models/vae/*.py'), globShape('models/dit/**'))).toBe(false);
    expect(shapesMayOverlap(globShape('**/a.log'), globShape('logs/**/b.log'))).toBe(false);
    expect(shapesMayOverlap(globShape('models/**'), globShape('models/vae/1/model.py'))).toBe(true);
  });
});
