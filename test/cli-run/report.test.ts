// The built CLI's `run --json` and `report` (whole run, one phase, one task, JSON, unknown
// ids) on a run it made, where one task needed a repair.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeProject, type FixtureTask, type Project } from '../pipeline/fixture.js';
import { mainJs, onlyRunId, readState, reportCli, runCli, SMALL } from './helpers.js';

/** SMALL, with C1 failing its first check and repairing it. */
const WITH_REPAIR: FixtureTask[] = SMALL.map((t) =>
  t.id !== 'C1'
    ? t
    : {
        ...t,
        verify: [{ run: 'grep -q fixed out/C1.txt || { echo "out/C1.txt must say fixed"; exit 1; }' }],
        turns: [
          { tools: [{ Write: { file_path: 'out/C1.txt', content: 'first draft\n' } }] },
          { text: 'Done.' },
          { text: 'Fixing.', tools: [{ Write: { file_path: 'out/C1.txt', content: 'fixed\n' } }] },
          { text: 'Repaired.' },
        ],
      },
);

let project: Project;
let runId: string;
let jsonRun: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  expect(existsSync(mainJs), 'build first: npm run build').toBe(true);
  project = makeProject(WITH_REPAIR);
  jsonRun = await runCli(project, ['--json']);
  runId = onlyRunId(project) as string;
});

describe('run --json', () => {
  it('prints only NDJSON events on stdout, from run:start to run:end', () => {
    expect(jsonRun.code, jsonRun.stderr).toBe(0);
    const lines = jsonRun.stdout.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(SMALL.length);
    const events = lines.map((line) => JSON.parse(line) as { type: string; runId?: string; status?: string });
    expect(events[0]).toMatchObject({ type: 'run:start', runId });
    expect(events.at(-1)).toMatchObject({ type: 'run:end', runId, status: 'succeeded' });
    expect(events.filter((e) => e.type === 'task:commit')).toHaveLength(SMALL.length);
    expect(jsonRun.stderr).not.toMatch(/internal error/);
  });
});

describe('flux-triton report', () => {
  it('shows the latest run per phase', async () => {
    const out = await reportCli(project);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Run ${runId}: succeeded`);
    for (const phase of ['Phase 1: Configs (configs)', 'Phase 2: Models (models)', 'Phase 3: Tests (tests)']) expect(out.stdout).toContain(phase);
    for (const task of SMALL) expect(out.stdout).toMatch(new RegExp(`^\\s+${task.id}\\s+${task.id} output\\s+succeeded`, 'm'));
  });

  it('narrows to one phase by number', async () => {
    const out = await reportCli(project, [runId, '--phase', '2']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('Phase 2: Models (models)');
    expect(out.stdout).not.toContain('Phase 1:');
    expect(out.stdout).not.toContain('Phase 3:');
    expect(out.stdout).toMatch(/^\s+G\s+/m);
    expect(out.stdout).not.toMatch(/^\s+C1\s+/m);
  });

  it('shows one task with every verify attempt', async () => {
    const out = await reportCli(project, ['--task', 'C1']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^C1: C1 output/);
    expect(out.stdout).toContain('Verify attempt 1: failed');
    expect(out.stdout).toContain('out/C1.txt must say fixed');
    expect(out.stdout).toContain('Verify attempt 2: passed');
    const sha = readState(project, runId).tasks.C1?.commit?.sha as string;
    expect(out.stdout).toContain(sha);
  });

  it('--json parses, for the run and for a task', async () => {
    const whole = await reportCli(project, ['--json']);
    expect(whole.code, whole.stderr).toBe(0);
    expect(() => JSON.parse(whole.stdout)).not.toThrow();
    expect(whole.stdout).toContain(runId);
    const task = await reportCli(project, ['--task', 'C1', '--json']);
    expect(task.code, task.stderr).toBe(0);
    const parsed = JSON.parse(task.stdout) as { id: string; verify: { passed: boolean }[] };
    expect(parsed.id).toBe('C1');
    expect(parsed.verify.map((a) => a.passed)).toEqual([false, true]);
  });

  it('an unknown task or run exits 2 naming the valid ones', async () => {
    const task = await reportCli(project, ['--task', 'NOPE']);
    expect(task.code).toBe(2);
    expect(task.stdout).toBe('');
    expect(task.stderr).toContain('Unknown task NOPE');
    for (const t of SMALL) expect(task.stderr).toContain(t.id);
    const run = await reportCli(project, ['no-such-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(runId);
  });
});
