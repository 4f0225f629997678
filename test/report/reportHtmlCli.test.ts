// The built CLI: `run` writes summary.html and prints cost; `report --json` carries costUsd
// for the run, each phase and each task; `report --html [-o FILE]` writes the page; bad
// cost flags are usage errors (exit 2) that name the flag.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeProject, type Project } from '../pipeline/fixture.js';
import { mainJs, onlyRunId, projectArgs, reportCli, runCli, runDir, SMALL, spawnCli } from '../cli-run/helpers.js';

let project: Project;
let runId: string;

beforeAll(async () => {
  expect(existsSync(mainJs), 'build first: npm run build').toBe(true);
  project = makeProject(SMALL);
  const run = await runCli(project);
  expect(run.code, run.stderr).toBe(0);
  runId = onlyRunId(project) as string;
});

interface Costed {
  costUsd: number | null;
}

describe('cost and the HTML report from the CLI', () => {
  it('run writes summary.html next to summary.md', () => {
    const dir = runDir(project, runId);
    expect(existsSync(path.join(dir, 'summary.md'))).toBe(true);
    const html = readFileSync(path.join(dir, 'summary.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    for (const task of SMALL) expect(html).toContain(`data-task="${task.id}"`);
  });

  it('report --json carries costUsd for the run, each phase and each task', async () => {
    const out = await reportCli(project, ['--json']);
    expect(out.code, out.stderr).toBe(0);
    const run = JSON.parse(out.stdout) as Costed & { phases: (Costed & { tasks: (Costed & { id: string })[] })[] };
    expect(run.costUsd).toBeGreaterThan(0);
    expect(run.phases).toHaveLength(3);
    let sum = 0;
    for (const phase of run.phases) {
      expect(phase.costUsd).toBeGreaterThan(0);
      for (const task of phase.tasks) {
        expect(task.costUsd, task.id).toBeGreaterThan(0);
        sum += task.costUsd as number;
      }
    }
    expect(run.costUsd).toBeCloseTo(sum, 12);
    const one = JSON.parse((await reportCli(project, ['--task', 'G', '--json'])).stdout) as Costed;
    expect(one.costUsd).toBeGreaterThan(0);
    expect((await reportCli(project)).stdout).toMatch(/tokens · cost \$\d/);
  });

  it('report --html -o FILE writes the page there and prints its path', async () => {
    const file = path.join(project.root, 'out.html');
    const out = await reportCli(project, [runId, '--html', '-o', file]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.trim()).toBe('out.html');
    expect(readFileSync(file, 'utf8')).toContain(`Run ${runId}`);
  });

  it('refuses -o without --html, and --html with --json', async () => {
    const noHtml = await reportCli(project, ['-o', 'x.html']);
    expect(noHtml.code).toBe(2);
    expect(noHtml.stderr).toContain('-o/--output is only taken with --html');
    const both = await reportCli(project, ['--html', '--json']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--html writes the whole run');
  });

  it('bad --max-cost, --max-tokens-per-task and --prices values exit 2 naming the flag', async () => {
    const run = (extra: string[]) => spawnCli(project, ['run', ...projectArgs(project), '--provider', 'scripted', ...extra]).done;
    const cost = await run(['--max-cost', 'ten']);
    expect(cost.code).toBe(2);
    expect(cost.stderr).toContain("--max-cost must be an amount in USD greater than 0, such as 5 or 0.50, not 'ten'");
    const tokens = await run(['--max-tokens-per-task', '0']);
    expect(tokens.code).toBe(2);
    expect(tokens.stderr).toContain('--max-tokens-per-task must be a whole number of at least 1');
    const pricesFile = path.join(project.root, 'prices.yaml');
    writeFileSync(pricesFile, 'sonnet: { input: two }\n');
    const prices = await run(['--prices', pricesFile]);
    expect(prices.code).toBe(2);
    expect(prices.stderr).toContain(`${pricesFile}: sonnet.input`);
  });
});
