import { describe, expect, it } from 'vitest';
import { compileGlob, expandBraces, globsMayOverlap, isLiteralGlob } from '../../src/util/glob.js';

describe('compileGlob', () => {
  const cases: [string, string, boolean][] = [
    ['triton_models/clip_encoder/config.pbtxt', 'triton_models/clip_encoder/config.pbtxt', true],
    ['triton_models/*/config.pbtxt', 'triton_models/bls/config.pbtxt', true],
    ['triton_models/*/config.pbtxt', 'triton_models/bls/1/config.pbtxt', false],
    ['triton_models/**/model.py', 'triton_models/bls/1/model.py', true],
    ['triton_models/**/model.py', 'triton_models/model.py', true],
    ['**/*.py', 'a/b/c.py', true],
    ['**/*.py', 'c.py', true],
    ['tests/**', 'tests', true],
    ['tests/**', 'tests/a/b.py', true],
    ['tests/**', 'testsx/a.py', false],
    ['test-results/T00?.xml', 'test-results/T003.xml', true],
    ['test-results/T00?.xml', 'test-results/T0031.xml', false],
    ['test-results/T00[3-5].xml', 'test-results/T004.xml', true],
    ['test-results/T00[!3-5].xml', 'test-results/T004.xml', false],
    ['triton_models/{bls,vae_decoder}/config.pbtxt', 'triton_models/vae_decoder/config.pbtxt', true],
    ['triton_models/{bls,vae_decoder}/config.pbtxt', 'triton_models/dit/config.pbtxt', false],
    ['./a/b.txt', 'a/b.txt', true],
    ['a/*.txt', 'a/.hidden.txt', true],
  ];
  for (const [pattern, path, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      expect(compileGlob(pattern)(path)).toBe(expected);
    });
  }
});

describe('expandBraces and literals', () => {
  it('expands nested alternatives', () => {
    expect(expandBraces('a/{b,c{1,2}}/d')).toEqual(['a/b/d', 'a/c1/d', 'a/c2/d']);
  });
  it('keeps a brace without a comma literal', () => {
    expect(expandBraces('a/{b}/c')).toEqual(['a/{b}/c']);
  });
  it('knows literal globs', () => {
    expect(isLiteralGlob('a/b.py')).toBe(true);
    expect(isLiteralGlob('a/*.py')).toBe(false);
  });
});

describe('globsMayOverlap', () => {
  const cases: [string, string, boolean][] = [
    ['triton_models/bls/config.pbtxt', 'triton_models/bls/config.pbtxt', true],
    ['triton_models/bls/config.pbtxt', 'triton_models/bls/1/model.py', false],
    ['triton_models/*/config.pbtxt', 'triton_models/bls/config.pbtxt', true],
    ['triton_models/**', 'triton_models/bls/1/model.py', true],
    ['triton_models/*/1/*.py', 'triton_models/**/config.pbtxt', false],
    ['tests/test_*.py', 'tests/*_batch.py', true],
    ['tests/test_a*.py', 'tests/test_b*.py', false],
    ['test-results/T00[3-4].xml', 'test-results/T00[5-9].xml', false],
    ['test-results/T00[3-5].xml', 'test-results/T00[5-9].xml', true],
    ['**', 'anything/at/all', true],
    ['a/{x,y}.txt', 'a/z.txt', false],
    ['a/{x,z}.txt', 'a/z.txt', true],
  ];
  for (const [a, b, expected] of cases) {
    it(`${a} ∩ ${b} → ${expected}`, () => {
      expect(globsMayOverlap(a, b)).toBe(expected);
      expect(globsMayOverlap(b, a)).toBe(expected);
    });
  }

  it('agrees with matching on random literal paths', () => {
    const paths = ['a/b.py', 'a/c/d.py', 'x.txt', 'a/b/c/d.txt', 'tests/t1.py'];
    const globs = ['a/*.py', 'a/**', '**/*.txt', 'tests/*', '*.txt', 'a/?/d.py'];
    for (const glob of globs) {
      for (const path of paths) {
        expect(globsMayOverlap(glob, path)).toBe(compileGlob(glob)(path));
      }
    }
  });
});
