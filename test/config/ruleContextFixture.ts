// A rule context built in code (no YAML, no files), shared by the dependency-rule tests.
import type { ParsedTask, RuleContext } from '../../src/config/ruleContext.js';
import { YamlSource } from '../../src/config/yamlSource.js';

/** A rule context built in code, so the rules can be timed without YAML parsing. */
export function context(tasks: { id: string; needs: string[]; outputs: string[] }[]): RuleContext {
  const parsed: ParsedTask[] = tasks.map((t, index) => ({
    index,
    verify: [],
    input: { id: t.id, title: t.id, phase: 'p', agent: 'a', needs: t.needs, outputs: t.outputs, verify: [], prompt: 'p' },
  }));
  return {
    source: new YamlSource('/graph.yaml', ''),
    graphDir: '/',
    context: [],
    phases: [{ index: 0, input: { id: 'p', title: 'P' } }],
    tasks: parsed,
    allTaskIds: new Set(tasks.map((t) => t.id)),
    agents: new Map(),
    invalidAgentNames: new Set(),
    problems: [],
  };
}
