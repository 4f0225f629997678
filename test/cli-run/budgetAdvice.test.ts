// Spending limits through the built CLI: the library's notices and refusals speak of "the
// run's cost limit" and "resuming the run"; the CLI adds the flags that do it
// (`--max-cost`, `--max-tokens-per-task`, `--prices`, `run --resume RUN`).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeProject, type FixtureTask } from '../pipeline/fixture.js';
import { mainJs, onlyRunId, runCli } from './helpers.js';

const TWO: FixtureTask[] = [
  { id: 'A', phase: 'configs' },
  { id: 'B', phase: 'configs', needs: ['A'] },
];

beforeAll(() => {
  expect(existsSync(mainJs), 'build first: npm run build').toBe(true);
});

describe('a reached spending limit', () => {
  it('--max-cost: the notice says it was reached, the CLI says how to continue', async () => {
    const project = makeProject(TWO);
    const out = await runCli(project, ['--concurrency', '1', '--max-cost', '0.000001']);
    expect(out.code, out.stderr).toBe(1);
    const runId = onlyRunId(project) as string;
    expect(out.stdout).toMatch(/warning: Cost budget reached: \$\d+\.\d+ spent of the run's cost limit \$0\.000001/);
    expect(out.stderr).toContain(`hint: continue with: flux-triton run --resume ${runId} --max-cost <higher>`);
    expect(out.stderr).not.toContain('--max-tokens-per-task');
  });

  it('--max-tokens-per-task: the same, naming that flag; in --json mode too (stdout keeps to events)', async () => {
    const project = makeProject(TWO);
    const out = await runCli(project, ['--concurrency', '1', '--max-tokens-per-task', '1', '--json']);
    expect(out.code, out.stderr).toBe(1);
    const runId = onlyRunId(project) as string;
    const notices = out.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; code?: string; message?: string })
      .filter((e) => e.type === 'run:notice' && e.code !== undefined);
    expect(notices.map((n) => n.code)).toEqual(['budget.tokens-reached']);
    expect(notices[0]?.message).toMatch(/A: token budget reached \(\d+ of the per-task token limit 1\)/);
    expect(out.stderr).toContain(`hint: continue with: flux-triton run --resume ${runId} --max-tokens-per-task <higher>`);
  });
});

describe('refusals before the run', () => {
  it('--max-cost with an unpriced model exits 2 naming --max-cost and --prices', async () => {
    const project = makeProject(TWO);
    const out = await runCli(project, ['--model', 'claude-made-up-1', '--max-cost', '5']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("error: the run's cost limit cannot be enforced: no price for model claude-made-up-1\n");
    expect(out.stderr).toMatch(/\nhint: Give its prices in the graph \(defaults\.pricing\) or in a price file, e\.g\. .*\n/);
    expect(out.stderr).toContain('hint: the cost limit is the one `--max-cost` set; give a price file with `--prices FILE`, or run without `--max-cost`\n');
    expect(onlyRunId(project)).toBeUndefined();
  });

  it('an unreadable --prices file exits 2 naming --prices', async () => {
    const project = makeProject(TWO);
    const out = await runCli(project, ['--prices', path.join(project.root, 'no-such-prices.yaml')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/error: Cannot read the price file .*no-such-prices\.yaml: /);
    expect(out.stderr).toContain('hint: A price file is a readable YAML or JSON file.\nhint: pass one with `--prices FILE`\n');
  });
});
