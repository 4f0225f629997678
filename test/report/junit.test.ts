import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJUnitXml } from '../../src/report/index.js';

const fixture = readFileSync(path.join(import.meta.dirname, 'fixtures', 'pytest-junit.xml'), 'utf8');

describe('parseJUnitXml', () => {
  it('reads pytest --junitxml output: counts, statuses, messages and entities', () => {
    const summary = parseJUnitXml(fixture, 'test-results/junit.xml');
    expect(summary).toMatchObject({ file: 'test-results/junit.xml', tests: 6, failures: 1, errors: 1, skipped: 2, timeSeconds: 1.234 });
    expect(summary.cases.map((c) => [c.name, c.status])).toEqual([
      ['test_shapes[1024x1024]', 'passed'],
      ['test_guidance', 'failed'],
      ['test_gpu', 'skipped'],
      ['test_known_bug', 'skipped'],
      ['test_import', 'error'],
      ['test_decode[<fp16> & bf16]', 'passed'],
    ]);
    const guidance = summary.cases[1]!;
    expect(guidance).toMatchObject({ suite: 'pytest', classname: 'tests.test_bls', timeSeconds: 0.02 });
    expect(guidance.message).toBe('AssertionError: assert 3.5 == 4.0\n +  where 3.5 = cfg.guidance');
    expect(summary.cases[2]!.message).toBe('CUDA not available');
    // An empty message attribute falls back to the element text, here none at all.
    expect(summary.cases[3]!.message).toBeUndefined();
    expect(summary.cases[4]!.message).toBe(`failed on setup with "ModuleNotFoundError: No module named 'torch'"`);
  });

  it('takes counts from the cases of a file cut short by a killed run', () => {
    const cut = fixture.slice(0, fixture.indexOf('<testcase classname="tests.test_vae"'));
    const summary = parseJUnitXml(cut, 'junit.xml');
    expect(summary).toMatchObject({ tests: 4, failures: 1, errors: 0, skipped: 2 });
  });

  it('reads a bare <testsuite> root with nested suites and numeric entities', () => {
    const xml = `<testsuite name="outer" time="2"><testsuite name="inner"><testcase name="a&#x41;&#66;" time="1.5"><failure>boom
at line 2</failure></testcase></testsuite><!-- <testcase name="commented"/> --><testcase name="b"/></testsuite>`;
    const summary = parseJUnitXml(xml, 'x.xml');
    expect(summary.cases).toEqual([
      { suite: 'inner', name: 'aAB', status: 'failed', timeSeconds: 1.5, message: 'boom' },
      { suite: 'outer', name: 'b', status: 'passed', timeSeconds: 0 },
    ]);
    expect(summary.timeSeconds).toBe(2);
  });

  it('rejects a file that is not JUnit at all', () => {
    expect(() => parseJUnitXml('<html><body>oops</body></html>', 'report.xml')).toThrow(/report\.xml: no <testsuite>/);
    expect(() => parseJUnitXml('', 'empty.xml')).toThrow(/empty\.xml/);
  });

  it('counts an empty suite as zero tests rather than failing', () => {
    expect(parseJUnitXml('<testsuites><testsuite name="pytest" tests="0"/></testsuites>', 'j.xml')).toMatchObject({ tests: 0, cases: [] });
  });
});
