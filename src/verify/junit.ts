// JUnit XML → JUnitSummary. pytest's --junitxml output is the main target; Maven, Jest and
// vitest files share the shape (testsuites > testsuite > testcase with failure / error /
// skipped children). Counts come from the test cases themselves, not the suite
// attributes, so a file cut short by a killed run still reports what it holds.
import type { JUnitCase, JUnitSummary } from './types.js';
import { parseXml, type XmlElement } from './xml.js';

/** Long tracebacks belong in the XML; the summary keeps the first part of a message. */
const MAX_MESSAGE_LENGTH = 500;

export function parseJUnitXml(xml: string, file: string): JUnitSummary {
  const document = parseXml(xml);
  const cases: JUnitCase[] = [];
  let sawSuite = false;
  const visit = (node: XmlElement, suite: string): void => {
    for (const child of node.children) {
      if (child.name === 'testsuite' || child.name === 'testsuites') {
        sawSuite = true;
        visit(child, child.name === 'testsuite' ? (child.attributes.name ?? suite) : suite);
      } else if (child.name === 'testcase') {
        cases.push(toCase(child, suite));
      }
    }
  };
  visit(document, '');
  if (!sawSuite && cases.length === 0) {
    throw new Error(`${file}: no <testsuite> or <testcase> element found; is this a JUnit XML file?`);
  }
  const count = (status: JUnitCase['status']): number => cases.filter((c) => c.status === status).length;
  return {
    file,
    tests: cases.length,
    failures: count('failed'),
    errors: count('error'),
    skipped: count('skipped'),
    timeSeconds: totalTime(document, cases),
    cases,
  };
}

function toCase(element: XmlElement, suite: string): JUnitCase {
  const outcome = child(element, 'failure')
    ? { status: 'failed' as const, node: child(element, 'failure') }
    : child(element, 'error')
      ? { status: 'error' as const, node: child(element, 'error') }
      : child(element, 'skipped')
        ? { status: 'skipped' as const, node: child(element, 'skipped') }
        : { status: 'passed' as const, node: undefined };
  const junitCase: JUnitCase = {
    suite,
    name: element.attributes.name ?? '(unnamed)',
    status: outcome.status,
    timeSeconds: seconds(element.attributes.time),
  };
  if (element.attributes.classname) junitCase.classname = element.attributes.classname;
  const message = outcome.node ? messageOf(outcome.node) : undefined;
  if (message) junitCase.message = message;
  return junitCase;
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/** The `message` attribute, or else the first non-empty line of the element's text. */
function messageOf(node: XmlElement): string | undefined {
  const fromAttribute = node.attributes.message?.trim();
  const fromText = node.text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.length > 0);
  const message = fromAttribute || fromText;
  if (!message) return undefined;
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

function seconds(value: string | undefined): number {
  const parsed = value === undefined ? NaN : Number.parseFloat(value);
  return Number.isFinite(parsed) ? parsed : 0;
}

/** The outermost element's `time` when it has one, else the outer suites', else the cases'. */
function totalTime(document: XmlElement, cases: JUnitCase[]): number {
  const outer = document.children.filter((c) => c.name === 'testsuites' || c.name === 'testsuite');
  const [first] = outer;
  if (outer.length === 1 && first?.attributes.time !== undefined) return seconds(first.attributes.time);
  const suites = first?.name === 'testsuites' ? first.children.filter((c) => c.name === 'testsuite') : outer;
  if (suites.length > 0 && suites.every((s) => s.attributes.time !== undefined)) {
    return round(suites.reduce((sum, s) => sum + seconds(s.attributes.time), 0));
  }
  return round(cases.reduce((sum, c) => sum + c.timeSeconds, 0));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
