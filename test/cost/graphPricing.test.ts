// `defaults.pricing` in a task graph: parsed into the graph's defaults, and a bad price is a
// config problem at its file:line naming the field, like any other graph mistake.
import { describe, expect, it } from 'vitest';
import { parseTaskGraph } from '../../src/config/index.js';
import { formatDiagnostic } from '../../src/util/diagnostic.js';
import { agentMap } from '../config/helpers.js';

const graph = (pricing: string): string => `version: 1
name: priced
defaults:
  model: sonnet
  pricing:
${pricing}
phases:
  - { id: p, title: P }
tasks:
  - { id: T1, title: One, phase: p, agent: worker, outputs: [a.txt], prompt: Write a.txt. }
`;

describe('defaults.pricing', () => {
  it('is read into the graph defaults', () => {
    const result = parseTaskGraph('/x/graph.yaml', graph('    sonnet: { input: 1, output: 2, cacheWrite: 3, cacheRead: 0.5 }'), agentMap('worker'));
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.graph?.defaults.pricing).toEqual({ sonnet: { input: 1, output: 2, cacheWrite: 3, cacheRead: 0.5 } });
  });

  it('reports a bad price at its line, naming the model and field', () => {
    const result = parseTaskGraph(
      '/x/graph.yaml',
      graph('    sonnet: { input: 1, output: -2, cacheWrite: 3, cacheRead: 0.5 }\n    opus: { input: 1, output: 2, cacheWrite: 3, cacheRead: 1, cached: 4 }'),
      agentMap('worker'),
    );
    const errors = result.problems.filter((p) => p.severity === 'error');
    expect(result.graph).toBeUndefined();
    const output = errors.find((p) => /output/.test(`${p.message}`));
    expect(output, errors.map((p) => formatDiagnostic(p)).join('\n')).toBeDefined();
    expect(output?.line).toBe(6);
    expect(output?.message).toMatch(/must be 0 or more/);
    expect(errors.some((p) => /cached/.test(`${p.message} ${p.hint ?? ''}`))).toBe(true);
  });
});
