import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConfigText } from '../../src/triton/index.js';
import { parsePbtxt, PbtxtParseError, printPbtxt } from '../../src/triton/pbtxt/index.js';
import type { PbtxtDocument, PbtxtField, PbtxtValue } from '../../src/triton/pbtxt/index.js';
import { decodeModelConfig } from '../../src/triton/schema/decode.js';

const CLEAN = path.resolve('test/fixtures/triton/clean');
const configs = readdirSync(CLEAN).map((m) => readFileSync(path.join(CLEAN, m, 'config.pbtxt'), 'utf8'));

/** Parses; the only acceptable failure is a PbtxtParseError with a sane position. */
function parseOrParseError(src: string): PbtxtDocument | undefined {
  try {
    return parsePbtxt(src);
  } catch (err) {
    expect(err).toBeInstanceOf(PbtxtParseError);
    const e = err as PbtxtParseError;
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(src.split('\n').length);
    return undefined;
  }
}

function stripPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripPositions);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'pos')
        .map(([k, v]) => [k, stripPositions(v)]),
    );
  }
  return value;
}

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const wellFormed = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => new TextDecoder().decode(new TextEncoder().encode(s)) === s);
const numberText = fc.oneof(
  fc.nat().map(String),
  fc.nat().map((n) => `0x${n.toString(16)}`),
  fc
    .nat({ max: 4095 })
    .map((n) => `0${n.toString(8)}`)
    .filter((t) => t !== '00' && /^0[0-7]+$/.test(t)),
  fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
  fc.nat({ max: 999 }).map((n) => `${n}f`),
  fc.nat({ max: 99 }).map((n) => `${n}e-${n % 7}`),
);
const pos = { line: 0, column: 0 };
const scalar: fc.Arbitrary<PbtxtValue> = fc.oneof(
  wellFormed.map((value) => ({ kind: 'string' as const, value, validUtf8: true, pos })),
  identifier.map((name) => ({ kind: 'identifier' as const, name, negative: false, pos })),
  fc.constantFrom('inf', 'nan').map((name) => ({ kind: 'identifier' as const, name, negative: true, pos })),
  fc.tuple(numberText, fc.boolean()).map(([text, negative]) => ({ kind: 'number' as const, text, negative, pos })),
);

const { field } = fc.letrec<{ field: PbtxtField; message: PbtxtValue; value: PbtxtValue }>((tie) => ({
  message: fc.record({
    kind: fc.constant('message' as const),
    fields: fc.array(tie('field'), { maxLength: 3 }),
    open: fc.constantFrom('{' as const, '<' as const),
    pos: fc.constant(pos),
  }),
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('message')),
  field: fc.oneof(
    fc.record({ name: identifier, pos: fc.constant(pos), hasColon: fc.boolean(), list: fc.constant(false), values: fc.tuple(tie('value')).map((v) => [...v]) }),
    fc.record({ name: identifier, pos: fc.constant(pos), hasColon: fc.boolean(), list: fc.constant(true), values: fc.array(tie('value'), { maxLength: 3 }) }),
  ),
}));

describe('pbtxt properties', () => {
  it('arbitrary text parses or fails with a PbtxtParseError at a valid position', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (src) => {
        parseOrParseError(src);
      }),
      { numRuns: 2000 },
    );
  });

  it('text built from pbtxt tokens parses or fails cleanly, and decoding never throws', () => {
    const token = fc.constantFrom(
      'a',
      'dims',
      'input',
      ':',
      '{',
      '}',
      '<',
      '>',
      '[',
      ']',
      ',',
      ';',
      '-',
      '1',
      '0x',
      '08',
      '1.5f',
      '"s"',
      "'t",
      '\\',
      '#c\n',
      '\n',
      ' ',
      'TYPE_FP32',
      'true',
      'inf',
      '"\\u00',
      '"\\x4"',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const doc = parseOrParseError(tokens.join(''));
        if (doc) decodeModelConfig(doc);
      }),
      { numRuns: 3000 },
    );
  });

  it('mutations of valid configs never throw anything but PbtxtParseError, and checkConfigText never throws', () => {
    const mutation = fc.record({
      config: fc.nat({ max: configs.length - 1 }),
      at: fc.nat(),
      kind: fc.constantFrom('delete', 'insert', 'replace', 'duplicate'),
      text: fc.constantFrom('{', '}', '[', ']', ':', ',', ';', '"', "'", '-', '#', '0', 'x', '\\', ' ', '\n', '<', '>', 'TYPE_', '1e'),
      length: fc.integer({ min: 1, max: 12 }),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let src = configs[mutations[0]!.config] as string;
        for (const m of mutations) {
          const at = m.at % (src.length + 1);
          if (m.kind === 'delete') src = src.slice(0, at) + src.slice(at + m.length);
          else if (m.kind === 'insert') src = src.slice(0, at) + m.text + src.slice(at);
          else if (m.kind === 'replace') src = src.slice(0, at) + m.text + src.slice(at + 1);
          else src = src.slice(0, at) + src.slice(at, at + m.length) + src.slice(at);
        }
        const doc = parseOrParseError(src);
        if (doc) decodeModelConfig(doc);
        const { findings } = checkConfigText(src, 'config.pbtxt');
        for (const f of findings) {
          expect(f.line).toBeGreaterThanOrEqual(1);
          expect(f.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('printing a random AST and parsing it again gives the same AST', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 5 }), (fields) => {
        const doc: PbtxtDocument = { fields };
        const printed = printPbtxt(doc);
        expect(stripPositions(parsePbtxt(printed))).toEqual(stripPositions(doc));
      }),
      { numRuns: 1500 },
    );
  });

  it('every clean fixture config round-trips through the printer', () => {
    for (const src of configs) {
      const doc = parsePbtxt(src);
      expect(stripPositions(parsePbtxt(printPbtxt(doc)))).toEqual(stripPositions(doc));
    }
  });
});
