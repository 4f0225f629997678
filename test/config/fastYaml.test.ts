// The fast way of reading YAML (js-yaml with `yaml`'s core schema) must give the data and
// the item positions the `yaml` Document gives, and step aside for anything it might read
// differently.
import { describe, expect, it } from 'vitest';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { readFastYaml } from '../../src/config/fastYaml.js';
import { YamlSource } from '../../src/config/yamlSource.js';

const scalars = [
  '1',
  '-12',
  '+7',
  '007',
  '0o17',
  '0o8',
  '0x1F',
  '0xg',
  '-0x1',
  '0b101',
  '1_000',
  '1.5',
  '.5',
  '-.5',
  '+.5',
  '1.',
  '1e3',
  '-1.5E-2',
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  'nan',
  '~',
  'null',
  'Null',
  'NULL',
  'nULL',
  'true',
  'True',
  'TRUE',
  'tRue',
  'false',
  'yes',
  'no',
  'on',
  'off',
  '2024-01-02',
  '12:30',
  '"1"',
  "'true'",
  '',
  '9007199254740993',
];

describe('readFastYaml', () => {
  it('reads every core-schema scalar as the yaml library does', () => {
    const text = scalars.map((s, i) => `k${i}: ${s}`).join('\n') + '\n';
    const fast = readFastYaml(text);
    expect(fast).toBeDefined();
    expect(fast?.data).toEqual(parseDocument(text).toJS());
  });

  it('reads nested block and flow collections, block scalars and comments as the yaml library does', () => {
    const text = [
      'version: 1',
      'name: "x # not a comment"',
      'list: [a, b, {c: 1, d: [2, 3]}]',
      'map: {e: f}',
      'empty: {}',
      'none:',
      '1: numeric key',
      'prompt: |',
      '  line one,',
      '  line two: here',
      'folded: >-',
      '  a',
      '  b',
      '# comment',
      'tasks:',
      '  - id: T1 # trailing',
      '    needs: []',
      '  -',
      '    id: T2',
    ].join('\n');
    expect(readFastYaml(text)?.data).toEqual(parseDocument(text).toJS());
  });

  it.each([
    ['a tag', 'a: !!str 1\n'],
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a flow collection closed at the start of a line', 'a: [1,\n]\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a syntax error', 'a: [1, 2\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
  ])('leaves %s to the yaml library', (_what, text) => {
    expect(readFastYaml(text)).toBeUndefined();
  });

  it.each([['\n'], ['\r\n']])("places every sequence item that is a mapping where yaml's range starts (line ends %j)", (eol) => {
    const text = [
      'tasks:',
      '  - {id: a, x: 1}',
      '  -   id: b',
      '      x: 2',
      '  # c',
      '  -',
      '    id: c',
      '  - # after the dash',
      '    id: d',
      'more: [{id: e}, {id: f},',
      '  {id: g}]',
      'top:',
      '- id: h',
      '-',
      '',
      '  id: i',
    ].join(eol);
    expect(readFastYaml(text), 'read the fast way').toBeDefined();
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    const source = new YamlSource('g.yaml', text);
    let checked = 0;
    for (const key of ['tasks', 'more', 'top']) {
      const seq = doc.get(key);
      if (!isSeq(seq)) throw new Error(`${key} is not a sequence`);
      seq.items.forEach((item, index) => {
        if (!isMap(item) || !item.range) throw new Error(`${key}[${index}] is not a mapping`);
        const { line, col } = lineCounter.linePos(item.range[0]);
        expect(source.positionOf([key, index]), `${key}[${index}]`).toEqual({ file: 'g.yaml', line, column: col });
        checked += 1;
      });
    }
    expect(checked).toBe(9);
  });
});
