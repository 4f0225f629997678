import { describe, expect, it } from 'vitest';
import { parsePbtxt, PbtxtParseError } from '../../src/triton/pbtxt/index.js';
import type { PbtxtDocument, PbtxtField, PbtxtValue } from '../../src/triton/pbtxt/index.js';

function only(doc: PbtxtDocument): PbtxtField {
  expect(doc.fields).toHaveLength(1);
  return doc.fields[0] as PbtxtField;
}
function value(src: string): PbtxtValue {
  return only(parsePbtxt(src)).values[0] as PbtxtValue;
}
function str(src: string): string {
  const v = value(`s: ${src}`);
  if (v.kind !== 'string') throw new Error('not a string');
  return v.value;
}
function parseError(src: string): PbtxtParseError {
  try {
    parsePbtxt(src);
  } catch (err) {
    expect(err).toBeInstanceOf(PbtxtParseError);
    return err as PbtxtParseError;
  }
  throw new Error(`expected a parse error for ${JSON.stringify(src)}`);
}

describe('pbtxt parser: fields and messages', () => {
  it('parses scalars with positions on fields and values', () => {
    const doc = parsePbtxt('name: "bls"\n  max_batch_size: 8\n');
    expect(doc.fields.map((f) => [f.name, f.pos.line, f.pos.column])).toEqual([
      ['name', 1, 1],
      ['max_batch_size', 2, 3],
    ]);
    expect(doc.fields[1]?.values[0]).toMatchObject({ kind: 'number', text: '8', pos: { line: 2, column: 19 } });
  });

  it('accepts messages with {} and <>, with and without colon', () => {
    for (const src of ['a { b: 1 }', 'a: { b: 1 }', 'a < b: 1 >', 'a: < b: 1 >']) {
      const v = value(src);
      expect(v.kind).toBe('message');
      if (v.kind === 'message') expect(v.fields[0]?.name).toBe('b');
    }
    expect(value('dynamic_batching { }')).toMatchObject({ kind: 'message', fields: [] });
  });

  it('parses lists of scalars and messages, empty lists, and mixed repeated forms', () => {
    const doc = parsePbtxt('dims: [ 4, -1 ]\ndims: 3\ninput [ { name: "a" }, { name: "b" } ]\ninput: []\ninput { }');
    expect(doc.fields.map((f) => [f.name, f.list, f.values.length])).toEqual([
      ['dims', true, 2],
      ['dims', false, 1],
      ['input', true, 2],
      ['input', true, 0],
      ['input', false, 1],
    ]);
    expect(doc.fields[0]?.values[1]).toMatchObject({ kind: 'number', text: '1', negative: true });
  });

  it('allows one , or ; after any field', () => {
    const doc = parsePbtxt('parameters { key: "A", value: { string_value: "x" }; }, b: 1;');
    expect(doc.fields.map((f) => f.name)).toEqual(['parameters', 'b']);
  });

  it('records a scalar written without a colon (the schema rejects it)', () => {
    const f = only(parsePbtxt('max_batch_size 8'));
    expect(f.hasColon).toBe(false);
    expect(f.values[0]).toMatchObject({ kind: 'number', text: '8' });
  });

  it('skips # comments to end of line', () => {
    const doc = parsePbtxt('# header\na: 1 # trailing\n# b: 2\nc: "#not a comment"');
    expect(doc.fields.map((f) => f.name)).toEqual(['a', 'c']);
    expect(doc.fields[1]?.values[0]).toMatchObject({ value: '#not a comment' });
  });

  it('keeps enums, bools, inf and nan as identifiers', () => {
    expect(value('data_type: TYPE_FP32')).toMatchObject({ kind: 'identifier', name: 'TYPE_FP32' });
    expect(value('global: True')).toMatchObject({ kind: 'identifier', name: 'True' });
    expect(value('x: -inf')).toMatchObject({ kind: 'identifier', name: 'inf', negative: true });
    expect(value('x: nan')).toMatchObject({ kind: 'identifier', name: 'nan', negative: false });
  });

  it('reads numbers in every literal form', () => {
    for (const text of ['0', '42', '0x1F', '017', '1.5', '1.5f', '2F', '.5', '1e10', '1.25E-3', '3.']) {
      expect(value(`x: ${text}`)).toMatchObject({ kind: 'number', text });
    }
    expect(value('x: - 5')).toMatchObject({ kind: 'number', text: '5', negative: true });
  });
});

describe('pbtxt parser: strings', () => {
  it('decodes both quote styles and simple escapes', () => {
    expect(str(`'it\\'s'`)).toBe("it's");
    expect(str(`"a\\"b"`)).toBe('a"b');
    expect(str('"\\a\\b\\f\\n\\r\\t\\v\\?\\\\"')).toBe('\x07\b\f\n\r\t\v?\\');
  });

  it('decodes octal, hex and unicode escapes', () => {
    expect(str('"\\101\\12\\0"')).toBe('A\n\0');
    expect(str('"\\x41\\x4a\\x7"')).toBe('AJ\x07');
    expect(str('"\\u00e9\\U0001F600"')).toBe('é😀');
    expect(str('"\\ud83d\\ude00"')).toBe('😀');
    expect(str('"\\303\\251"')).toBe('é'); // UTF-8 bytes written as octal
  });

  it('joins adjacent literals of either quote', () => {
    expect(str(`"ab" 'cd'\n "ef"`)).toBe('abcdef');
  });

  it('marks invalid UTF-8', () => {
    const v = value('s: "\\xff"');
    expect(v).toMatchObject({ kind: 'string', validUtf8: false });
  });

  it('keeps non-ASCII source text', () => {
    expect(str('"héllo 😀"')).toBe('héllo 😀');
  });
});

describe('pbtxt parser: errors with line and column', () => {
  const cases: [string, string, number, number, RegExp][] = [
    ['unterminated string', 'a: 1\nname: "abc\n', 2, 7, /unterminated string/],
    ['raw newline in string', "name: 'a\nb'", 1, 7, /unterminated/],
    ['// comment', 'a: 1 // no', 1, 6, /only '#'/],
    ['/* comment */', '/* x */ a: 1', 1, 1, /only '#'/],
    ['missing value', 'a: ', 1, 4, /expected a value/],
    ['unclosed message', 'a {\n b: 1\n', 3, 1, /expected '}'/],
    ['unmatched brace', 'a: 1\n}', 2, 1, /unmatched '}'/],
    ['mismatched close', 'a { b: 1 >', 1, 10, /expected a field name|unmatched/],
    ['trailing list comma', 'dims: [1, 2,]', 1, 13, /trailing/],
    ['missing list comma', 'dims: [1 2]', 1, 10, /expected ',' or ']'/],
    ['two separators', 'a: 1,,', 1, 6, /only one/],
    ['number glued to identifier', 'a: 10bar', 1, 4, /runs into/],
    ['bad octal', 'a: 08', 1, 4, /octal/],
    ['bad hex', 'a: 0x', 1, 4, /hex digits/],
    ['bad escape', 'a: "\\q"', 1, 5, /invalid escape/],
    ['short \\u', 'a: "\\u12"', 1, 5, /4 hex digits/],
    ['\\U beyond range', 'a: "\\U00110000"', 1, 5, /beyond/],
    ['\\x without digits', 'a: "\\xg"', 1, 5, /hex digits/],
    ['extension name', '[foo.bar]: 1', 1, 1, /extension/],
    ['minus without number', 'a: -x', 1, 5, /expected a number/],
    ['stray character', 'a: 1 @', 1, 6, /unexpected character/],
    ['colon as name', 'a: 1 : 2', 1, 6, /expected a field name/],
  ];
  for (const [label, src, line, column, message] of cases) {
    it(label, () => {
      const err = parseError(src);
      expect([err.line, err.column]).toEqual([line, column]);
      expect(err.detail).toMatch(message);
      expect(err.message).toBe(`${line}:${column}: ${err.detail}`);
    });
  }

  it('limits nesting depth with a parse error, not a stack overflow', () => {
    const err = parseError('a { '.repeat(5000));
    expect(err.detail).toMatch(/nested/);
  });
});
