import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic as formatProblem } from '../../src/util/diagnostic.js';
import { loadTaskGraph, parseTaskGraph } from '../../src/config/taskGraph.js';
import { loadProject } from '../../src/config/project.js';
import { agent, agentMap, writeTree } from './helpers.js';

const dir = writeTree({ 'context/flux_pipeline.py': '# ref\n' });
const file = join(dir, 'graph.yaml');
const agents = agentMap('config-agent', 'model-agent');

const HEADER = `version: 1
name: test
context: [flux_pipeline.py]
defaults: { model: sonnet, maxTurns: 40, repairAttempts: 2, maxTokens: 100000 }
phases:
  - { id: configs, title: Configs }
  - { id: models, title: Models }
tasks:
`; // tasks start on line 9

/** A task block; `extra` lines are appended with the task's indentation. */
function task(id: string, fields: Record<string, string> = {}): string {
  const all: Record<string, string> = {
    title: `Task ${id}`,
    phase: 'configs',
    agent: 'config-agent',
    outputs: `[out/${id}.txt]`,
    prompt: `Do ${id}.`,
    ...fields,
  };
  return [`  - id: ${id}`, ...Object.entries(all).map(([k, v]) => `    ${k}: ${v}`)].join('\n') + '\n';
}

function load(yaml: string, withAgents = agents) {
  return parseTaskGraph(file, yaml, withAgents);
}
/**
 * Problems as `line:col: severity: message` (file name dropped) plus the hint; the
 * "phase has no tasks" warning is left out unless asked for, since most tests use one phase.
 */
function problems(yaml: string, withAgents = agents, keepEmptyPhaseWarnings = false): string[] {
  return load(yaml, withAgents)
    .problems.filter((p) => keepEmptyPhaseWarnings || !/^phase `.*` has no tasks$/.test(p.message))
    .map((p) => formatProblem(p).replace(`${file}:`, ''));
}

describe('loadTaskGraph: a valid graph', () => {
  it('assembles tasks, defaults, verify specs and positions', () => {
    const yaml =
      HEADER +
      task('T1', { verify: '[{ check: pbtxt }, { check: junit, path: r.xml }]', estimate: '5' }) +
      task('T2', {
        phase: 'models',
        agent: 'model-agent',
        needs: '[T1, T1]',
        verify: '\n      - { check: triton-contract, model: dit }\n      - { run: "python x.py", timeout: 600, requires: [torch] }',
        model: 'opus',
        maxTurns: '60',
        repairAttempts: '3',
      });
    const { graph, problems: found } = load(yaml);
    expect(found.map((p) => formatProblem(p).replace(`${file}:`, ''))).toEqual([
      '23:17: warning: task T2 lists `T1` in `needs` twice\n  hint: remove the repeat',
    ]);
    expect(graph).toBeDefined();
    expect(graph?.file).toBe(file);
    expect(graph?.dir).toBe(dir);
    expect(graph?.defaults).toEqual({ model: 'sonnet', maxTurns: 40, repairAttempts: 2, maxTokens: 100000 });
    expect(graph?.context).toEqual(['flux_pipeline.py']);
    expect(graph?.tasks[0]).toMatchObject({ id: 'T1', needs: [], estimate: 5, source: { file, line: 9, column: 5 } });
    expect(graph?.tasks[0]?.verify).toEqual([
      { kind: 'builtin', check: 'pbtxt' },
      { kind: 'builtin', check: 'junit', path: 'r.xml' },
    ]);
    expect(graph?.tasks[1]).toMatchObject({ id: 'T2', needs: ['T1'], model: 'opus', maxTurns: 60, repairAttempts: 3 });
    expect(graph?.tasks[1]?.verify).toEqual([
      { kind: 'builtin', check: 'triton-contract', model: 'dit' },
      { kind: 'run', run: 'python x.py', timeout: 600, requires: ['torch'] },
    ]);
  });

  it('fills in defaults when the file leaves them out', () => {
    const yaml = HEADER.replace(/^defaults:.*\n/m, '') + task('T1');
    expect(load(yaml).graph?.defaults).toEqual({ model: 'sonnet', maxTurns: 40, repairAttempts: 2 });
  });

  it('loads the fixture shaped like the FLUX graph through loadProject', () => {
    const root = join(import.meta.dirname, '../fixtures/config/flux-like');
    const project = loadProject({ graphFile: join(root, 'tasks/graph.yaml'), agentsDir: join(root, 'agents') });
    expect(project.problems).toEqual([]);
    expect(project.graph?.tasks.map((t) => t.id)).toEqual(['C1', 'C2', 'M1', 'M2', 'M3', 'M4', 'M5', 'X1']);
    expect(project.agents.get('test-agent')?.description).toBe('Writes and runs the tests');
  });
});

describe('loadTaskGraph: one test per error kind', () => {
  it('unknown agent: lists known agents and suggests the closest', () => {
    expect(problems(HEADER + task('T1', { agent: 'config-agnet' }))).toEqual([
      '12:12: error: task T1: unknown agent `config-agnet`\n  hint: did you mean `config-agent`? known agents are `config-agent` and `model-agent`; or add agents/config-agnet.md',
    ]);
  });

  it('unknown need: suggests the closest id', () => {
    expect(problems(HEADER + task('T009') + task('T2', { needs: '[T090]' }))).toEqual([
      '21:13: error: task T2 needs `T090`, which is not a task in this graph\n  hint: did you mean `T009`?',
    ]);
  });

  it('duplicate id: names both lines', () => {
    expect(problems(HEADER + task('T1') + task('T1', { outputs: '[other.txt]' }))).toEqual([
      '15:9: error: duplicate task id `T1`: also defined at line 9\n  hint: task ids must be unique; rename one of the two',
    ]);
  });

  it('duplicate phase id: names both lines', () => {
    const header = HEADER.replace('  - { id: models, title: Models }\n', '  - { id: models, title: Models }\n  - { id: configs, title: Again }\n');
    expect(problems(header + task('T1'))).toEqual([
      '8:11: error: duplicate phase id `configs`: also defined at line 6\n  hint: phase ids must be unique; rename or merge the two',
    ]);
  });

  it('cycle: printed with arrows', () => {
    expect(problems(HEADER + task('T011', { needs: '[T015]' }) + task('T015', { needs: '[T011]' }))).toEqual([
      '15:13: error: dependency cycle: T011 → T015 → T011 (each task needs the next, so none of them can start)\n  hint: remove one of these needs',
    ]);
  });

  it('a task needing itself is a cycle', () => {
    expect(problems(HEADER + task('T1', { needs: '[T1]' }))[0]).toMatch(/^15:13: error: dependency cycle: T1 → T1 /);
  });

  it('needing a task of a later phase', () => {
    expect(problems(HEADER + task('T1', { needs: '[T2]' }) + task('T2', { phase: 'models' }))).toEqual([
      '15:13: error: task T1 (phase `configs`) needs T2, which is in the later phase `models`\n  hint: phases run in the order listed under `phases`; move T2 to phase `configs` or earlier, or T1 to `models` or later',
    ]);
  });

  it('unknown phase', () => {
    expect(problems(HEADER + task('T1', { phase: 'model' }))).toEqual([
      '11:12: error: task T1: unknown phase `model`\n  hint: did you mean `models`? phases are `configs` and `models`; declare new ones under `phases`',
    ]);
  });

  it('unknown verify check: lists the built-ins', () => {
    expect(problems(HEADER + task('T1', { verify: '[{ check: pyton-syntax }]' }))).toEqual([
      '15:23: error: task T1 › verify[0]: unknown check `pyton-syntax`\n  hint: did you mean `python-syntax`? built-in checks are `pbtxt`, `python-syntax`, `triton-contract` and `junit`; to run a command write `{ run: "…" }`',
    ]);
  });

  it('triton-contract without model, junit without path', () => {
    expect(problems(HEADER + task('T1', { verify: '[{ check: triton-contract }, { check: junit }]' }))).toEqual([
      '15:14: error: task T1 › verify[0]: check `triton-contract` needs `model`\n  hint: name the Triton model it checks, e.g. `{ check: triton-contract, model: dit_transformer }`',
      '15:42: error: task T1 › verify[1]: check `junit` needs `path`\n  hint: give the JUnit XML file the task writes, e.g. `{ check: junit, path: test-results/T003.xml }`',
    ]);
  });

  it('verify entry with both check and run, or neither', () => {
    expect(problems(HEADER + task('T1', { verify: '[{ check: pbtxt, run: x }, { timeout: 3 }]' }))).toEqual([
      '15:14: error: task T1 › verify[0]: has both `check` and `run`\n  hint: split it into two entries: one `{ check: … }` and one `{ run: "…" }`',
      '15:40: error: task T1 › verify[1]: has neither `check` nor `run`\n  hint: write a built-in check such as `{ check: python-syntax }` or a command such as `{ run: "pytest -q" }`',
    ]);
  });

  it('concurrent tasks with overlapping outputs: names both tasks and globs', () => {
    // T3 needs T1, so T1's `**` may cover T3's file; T2 runs beside both.
    const yaml =
      HEADER +
      task('T1', { outputs: '[triton_models/dit/**]' }) +
      task('T2', { outputs: '[triton_models/dit/1/model.py]' }) +
      task('T3', { needs: '[T1]', outputs: '[triton_models/dit/config.pbtxt]' });
    expect(problems(yaml)).toEqual([
      '19:15: error: tasks T1 and T2 can run at the same time but both may write the same files: `triton_models/dit/**` (T1) and `triton_models/dit/1/model.py` (T2)\n  hint: add `T1` to the `needs` of T2 so they run one after the other, or narrow the globs so no path matches both',
    ]);
  });

  it('identical literal outputs of concurrent tasks collide; of dependent tasks they do not', () => {
    const concurrent = problems(HEADER + task('T1', { outputs: '[a/x.py]' }) + task('T2', { outputs: '[./a/x.py]' }));
    expect(concurrent).toHaveLength(1);
    expect(concurrent[0]).toMatch(/^19:15: error: tasks T1 and T2 can run at the same time/);
    expect(problems(HEADER + task('T1', { outputs: '[a/x.py]' }) + task('T2', { outputs: '[a/x.py]', needs: '[T1]' }))).toEqual([]);
  });

  it('unknown keys, with the closest key suggested (typos matter)', () => {
    const found = problems(HEADER.replace('name: test', 'name: test\nphaess: []') + task('T1', { need: '[T0]' }));
    expect(found).toEqual([
      expect.stringMatching(/^3:1: error: unknown key `phaess`\n  hint: did you mean `phases`\? valid keys here are `version`, `name`, /),
      expect.stringMatching(/^16:5: error: unknown key `need` in task T1\n  hint: did you mean `needs`\? valid keys here are `id`, /),
    ]);
  });

  it('empty graph', () => {
    expect(problems(HEADER.replace('tasks:\n', 'tasks: []\n'), agents, true)).toEqual([
      '6:5: warning: phase `configs` has no tasks\n  hint: add tasks to it or remove it',
      '7:5: warning: phase `models` has no tasks\n  hint: add tasks to it or remove it',
      '8:8: error: the graph has no tasks\n  hint: add at least one task under `tasks`',
    ]);
  });

  it('malformed YAML: line:column from the parser', () => {
    const found = problems(HEADER + '  - id: T1\n    title: [unclosed\n    phase: configs\n');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/^1[01]:\d+: error: YAML: /);
  });

  it('missing context file', () => {
    expect(problems(HEADER.replace('[flux_pipeline.py]', '[flux_pipeline.py, contract.md]') + task('T1'))).toEqual([
      `3:29: error: context file \`contract.md\` not found (looked for ${dir}/context/contract.md)\n  hint: create it under context/ next to the graph file, or remove it from \`context\``,
    ]);
  });

  it('missing required keys and bad values name the task and the key', () => {
    const yaml = HEADER + '  - id: T1\n    title: T\n    phase: configs\n    agent: config-agent\n    outputs: []\n    estimate: -3\n';
    expect(problems(yaml)).toEqual([
      '9:5: error: task T1 is missing `prompt`\n  hint: add `prompt: …`',
      '13:14: error: task T1: `outputs` must list at least one path glob the task writes\n  hint: list the files the task writes, e.g. `outputs: [triton_models/vae/1/model.py]`',
      '14:15: error: task T1: `estimate` must be greater than 0\n  hint: estimate the task in minutes, e.g. `estimate: 12`',
    ]);
  });

  it('outputs that escape the workspace', () => {
    expect(problems(HEADER + task('T1', { outputs: '[/etc/passwd, ../up.txt]' }))).toEqual([
      '13:15: error: task T1: output `/etc/passwd` is absolute; outputs must stay inside the workspace\n  hint: write a path relative to the workspace root, e.g. `triton_models/vae_decoder/1/model.py`',
      '13:28: error: task T1: output `../up.txt` contains `..`; outputs must stay inside the workspace\n  hint: write a path relative to the workspace root, e.g. `triton_models/vae_decoder/1/model.py`',
    ]);
  });

  it('wrong version', () => {
    expect(problems(HEADER.replace('version: 1', 'version: 2') + task('T1'))).toEqual([
      '1:10: error: `version`: must be 1 (the only version this flux-triton reads)\n  hint: write `version: 1`',
    ]);
  });

  it('reports every problem in one pass, not just the first', () => {
    const yaml = HEADER + task('T1', { agent: 'nobody', phase: 'nowhere' }) + task('T2', { needs: '[T9]', verify: '[{ check: nope }]' }) + task('T1');
    expect(problems(yaml, agents).filter((p) => p.includes(': error: '))).toHaveLength(6); // the two T1s also own the same output
  });

  it('does not call an agent unknown when its file exists but failed to load', () => {
    const result = parseTaskGraph(file, HEADER.replace(/^  - \{ id: models.*\n/m, '') + task('T1', { agent: 'broken-agent' }), agents, {
      invalidAgentNames: new Set(['broken-agent']),
    });
    expect(result.problems).toEqual([]);
    expect(result.graph).toBeDefined();
  });

  it('warns when the agent cannot write files', () => {
    const readOnly = new Map([['config-agent', agent('config-agent', { tools: ['Read'] })]]);
    expect(problems(HEADER + task('T1'), readOnly)[0]).toMatch(/^12:12: warning: task T1: agent `config-agent` has no Write, Edit or Bash tool/);
  });

  it('reports a missing file with a code (the CLI adds the flag to fix it)', () => {
    expect(loadTaskGraph('/nonexistent/graph.yaml', agents).problems.map((p) => formatProblem(p))).toEqual([
      '/nonexistent/graph.yaml: error [config.graph-not-found]: task graph file not found\n  hint: check the path',
    ]);
  });
});
