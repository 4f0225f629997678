// Changes nobody would see: an agent's Bash creating, editing and deleting files outside
// its outputs, or committing on its own. The task fails with a list, the stray changes
// are set aside like failed outputs, HEAD is back where the runner left it, and the next
// run starts without a word about a dirty workspace.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeProject } from '../pipeline/fixture.js';
import { git, mainJs, onlyRunId, readState, runCli, runDir } from '../cli-run/helpers.js';

beforeAll(() => {
  expect(existsSync(mainJs), 'build first: npm run build').toBe(true);
});

function oneTask(command: string) {
  return makeProject([
    {
      id: 'C1',
      phase: 'configs',
      turns: [
        { text: 'Writing.', tools: [{ Write: { file_path: 'out/C1.txt', content: 'C1 output\n' } }] },
        { text: 'Tidying up.', tools: [{ Bash: { command } }] },
        { text: 'Done.' },
      ],
    },
  ]);
}

describe('out-of-scope changes by an agent', () => {
  it('creations, edits and deletions outside the outputs fail the task with a list and are set aside', async () => {
    const project = oneTask('echo stray > stray.txt && echo more >> brief.md && rm .gitignore && mkdir -p notes && echo n > notes/a.md');
    const out = await runCli(project);
    expect(out.code, out.stderr).toBe(1);
    const runId = onlyRunId(project) as string;
    const reason = readState(project, runId).tasks.C1?.reason ?? '';
    for (const listed of ['?? stray.txt', 'M brief.md', 'D .gitignore', '?? notes/a.md']) expect(reason).toContain(listed);
    // The workspace is as the runner left it; what the agent did is kept in the reports.
    expect(git(project.workspaceDir, 'status', '--porcelain')).toBe('');
    const aside = path.join(runDir(project, runId), 'failed', 'C1', 'out-of-scope');
    expect(readFileSync(path.join(aside, 'stray.txt'), 'utf8')).toBe('stray\n');
    expect(readFileSync(path.join(aside, 'brief.md'), 'utf8')).toMatch(/more\n$/);
    expect(readFileSync(path.join(project.workspaceDir, 'brief.md'), 'utf8')).not.toMatch(/more/);
    // Nothing stands in the way of the next run.
    const again = await runCli(project);
    expect(again.stderr).not.toMatch(/uncommitted change/);
  });

  it("an agent's own git commit fails the task and is undone, keeping its files aside", async () => {
    const project = oneTask('echo x > sneaky.txt && git add -A && git -c user.name=intruder -c user.email=i@x commit -qm "not the runner"');
    const out = await runCli(project);
    expect(out.code, out.stderr).toBe(1);
    const runId = onlyRunId(project) as string;
    const reason = readState(project, runId).tasks.C1?.reason ?? '';
    expect(reason).toMatch(/HEAD was [0-9a-f]{7}, not [0-9a-f]{7}.*reset to/);
    expect(reason).toContain('sneaky.txt');
    expect(git(project.workspaceDir, 'log', '--format=%an %s')).not.toMatch(/intruder|not the runner/);
    expect(git(project.workspaceDir, 'status', '--porcelain')).toBe('');
    expect(existsSync(path.join(runDir(project, runId), 'failed', 'C1', 'out-of-scope', 'sneaky.txt'))).toBe(true);
  });

  it('a task that keeps to its outputs is not disturbed by the check', async () => {
    const project = oneTask('cat out/C1.txt > /dev/null');
    const out = await runCli(project);
    expect(out.code, out.stderr).toBe(0);
  });
});
