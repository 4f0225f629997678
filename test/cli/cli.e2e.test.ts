// The built CLI end to end: `node dist/cli/main.js …` on fixtures. The vitest global
// setup (test/setup/buildDist.ts) has rebuilt dist/ if any source was newer.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { distIsStale } from '../setup/buildDist.js';

const repo = join(import.meta.dirname, '../..');
const main = join(repo, 'dist/cli/main.js');
const fixtures = join(repo, 'test/fixtures/config');

function cli(args: string[], cwd = join(fixtures, 'flux-like')) {
  const result = spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  expect(existsSync(main)).toBe(true);
  // Not stale: the build is at least as new as every source it was made from.
  expect(distIsStale()).toBe(false);
});

describe('flux-triton (built)', () => {
  it('--version prints package.json’s version', () => {
    const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
    expect(cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('no arguments and --help print the command list', () => {
    for (const args of [[], ['--help'], ['-h']]) {
      const { code, stdout } = cli(args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/Commands:\n\s+validate\s+.+\n\s+plan\s+/);
    }
  });

  it('<command> --help documents every option', () => {
    const { code, stdout } = cli(['plan', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: flux-triton plan');
    for (const flag of ['--graph FILE', '--agents DIR', '--format FORMAT', '--help']) expect(stdout).toContain(flag);
  });

  it('a bad flag exits 2 with one error line and one hint line', () => {
    const { code, stdout, stderr } = cli(['plan', '--fromat', 'json']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe("error: unknown option '--fromat' for 'plan'\nhint: Did you mean '--format'? Run 'flux-triton plan --help' for usage.\n");
  });

  it('an unknown command exits 2 and suggests the closest', () => {
    expect(cli(['valdate'])).toMatchObject({
      code: 2,
      stderr: "error: unknown command 'valdate'\nhint: Did you mean 'validate'? Run 'flux-triton --help' for usage.\n",
    });
  });

  it('validate exits 0 on a good graph', () => {
    expect(cli(['validate', '--graph', 'tasks/graph.yaml'])).toMatchObject({
      code: 0,
      stdout: 'ok: tasks/graph.yaml with agents: 3 agents, 8 tasks in 3 phases\n',
    });
  });

  it('validate lists every problem of a broken graph with file:line:col and exits 2', () => {
    const { code, stdout } = cli(['validate', '--graph', 'tasks/graph.yaml'], join(fixtures, 'broken'));
    expect(code).toBe(2);
    const errors = stdout.split('\n').filter((l) => l.includes(': error: '));
    expect(errors).toEqual([
      expect.stringMatching(/^tasks\/graph\.yaml:3:11: error: context file `missing\.py` not found/),
      'tasks/graph.yaml:12:12: error: task A: unknown agent `config-agnt`',
      'tasks/graph.yaml:19:16: error: task B needs `Z9`, which is not a task in this graph',
      'tasks/graph.yaml:22:18: error: task B › verify[0]: unknown check `pyton-syntax`',
      'tasks/graph.yaml:23:9: error: task B › verify[1]: check `triton-contract` needs `model`',
      'tasks/graph.yaml:27:12: error: task C: unknown phase `model`',
      'tasks/graph.yaml:31:5: error: unknown key `ouputs` in task C',
      'tasks/graph.yaml:32:9: error: duplicate task id `A`: also defined at line 9',
      'tasks/graph.yaml:36:13: error: task A (phase `configs`) needs D, which is in the later phase `models`',
      'tasks/graph.yaml:43:13: error: dependency cycle: D → E → D (each task needs the next, so none of them can start)',
    ]);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('10 errors');
  });

  it('plan on a broken graph exits 2 with the problems on stderr', () => {
    const { code, stdout, stderr } = cli(['plan', '--graph', 'tasks/graph.yaml'], join(fixtures, 'broken'));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('tasks/graph.yaml:43:13: error: dependency cycle: D → E → D');
  });

  it('plan --format json is a documented, parseable object', () => {
    const { code, stdout } = cli(['plan', '--graph', 'tasks/graph.yaml', '--format', 'json']);
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as Record<string, unknown>;
    expect(plan).toMatchObject({
      schemaVersion: 1,
      graph: { name: 'flux-like', version: 1 },
      order: ['C1', 'C2', 'M1', 'M2', 'M3', 'M4', 'M5', 'X1'],
      levels: [['C1', 'C2', 'M4'], ['M1', 'M2', 'M3'], ['M5'], ['X1']],
      width: 3,
      criticalPath: { basis: 'estimate', tasks: ['C1', 'M3', 'M5', 'X1'], total: 70 },
      longestChain: { basis: 'count', total: 4 },
    });
    const tasks = plan.tasks as { id: string; needs: string[]; dependents: string[]; level: number }[];
    expect(tasks.find((t) => t.id === 'M5')).toMatchObject({ needs: ['M1', 'M2', 'M3', 'M4'], dependents: ['X1'], level: 2 });
    expect((plan.phases as { id: string }[]).map((p) => p.id)).toEqual(['configs', 'models', 'tests']);
  });

  it('plan --format mermaid: a flowchart with one subgraph per phase, escaped labels and need → task edges', () => {
    const { code, stdout } = cli(['plan', '--graph', 'tasks/graph.yaml', '-f', 'mermaid']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart TD');
    expect(lines.filter((l) => /^ {2}subgraph /.test(l))).toEqual([
      '  subgraph phase_configs ["Triton configs"]',
      '  subgraph phase_models ["Model implementations"]',
      '  subgraph phase_tests ["Tests"]',
    ]);
    expect(lines.filter((l) => l === '  end')).toHaveLength(3);
    expect(stdout).toContain('    task_M2["M2: VAE #34;decoder#34; model.py"]');
    expect(stdout).toContain('    task_M5["M5: BLS pipeline #60;gated#62;"]');
    for (const need of ['M1', 'M2', 'M3', 'M4']) expect(lines).toContain(`  task_${need} --> task_M5`);
    expect(lines.filter((l) => l.includes('-->'))).toHaveLength(9);
    // Every label is closed: no stray double quote inside a node's brackets.
    for (const line of lines.filter((l) => /\["/.test(l))) expect(line).toMatch(/^\s+(subgraph )?\w+ ?\["[^"]*"\]$/);
  });

  it('plan text shows phases, levels, width and both critical paths', () => {
    const { code, stdout } = cli(['plan', '--graph', 'tasks/graph.yaml']);
    expect(code).toBe(0);
    expect(stdout).toContain('Phase 2/3: models (Model implementations)');
    expect(stdout).toMatch(/M5 +BLS pipeline <gated> +agent: model-agent +needs: M1, M2, M3, M4/);
    expect(stdout).toContain('  level 1: C1, C2, M4');
    expect(stdout).toContain('Width: 3');
    expect(stdout).toContain('Critical path by count: C1 → M1 → M5 → X1 (4 tasks)');
    expect(stdout).toContain('Critical path by estimate: C1 → M3 → M5 → X1 (70 min)');
  });
});
