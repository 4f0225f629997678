// Refusals through the built CLI: a live workspace lock, uncommitted changes, bad flags,
// and a missing API key: each exits 2 with a message that says what to do, touching nothing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeProject, type FixtureTask, type Project } from '../pipeline/fixture.js';
import { childEnv, commitsPerTask, lockFile, mainJs, runCli, SMALL, spawnCli } from './helpers.js';

const ONE: FixtureTask[] = [{ id: 'C1', phase: 'configs' }];

/** For the flag checks, which fail before anything runs. */
let project: Project;
const runId = '20250101-000000-abcd';

beforeAll(() => {
  expect(existsSync(mainJs), 'build first: npm run build').toBe(true);
  project = makeProject(SMALL);
});

describe('workspace refusals through the CLI', () => {
  it('a live lock exits 2 naming the run that holds it, and leaves the lock alone', async () => {
    const locked = makeProject(ONE);
    const first = await runCli(locked);
    expect(first.code, first.stderr).toBe(0);
    const owner = { pid: process.pid, hostname: os.hostname(), runId: 'other-run-1234', startedAt: new Date().toISOString() };
    writeFileSync(lockFile(locked), `${JSON.stringify(owner)}\n`);
    const out = await runCli(locked);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('other-run-1234');
    expect(out.stderr).toContain(`pid ${process.pid}`);
    expect(out.stderr).not.toMatch(/internal error/);
    expect(JSON.parse(readFileSync(lockFile(locked), 'utf8'))).toEqual(owner);
  });

  it('uncommitted changes exit 2 listing the files, which are left as they were', async () => {
    const dirty = makeProject(ONE);
    const first = await runCli(dirty);
    expect(first.code, first.stderr).toBe(0);
    const commits = commitsPerTask(dirty.workspaceDir);
    writeFileSync(path.join(dirty.workspaceDir, 'out/C1.txt'), 'my own edit\n');
    writeFileSync(path.join(dirty.workspaceDir, 'notes.txt'), 'mine\n');
    const out = await runCli(dirty, ['--force']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('out/C1.txt');
    expect(out.stderr).toContain('notes.txt');
    expect(readFileSync(path.join(dirty.workspaceDir, 'out/C1.txt'), 'utf8')).toBe('my own edit\n');
    expect(commitsPerTask(dirty.workspaceDir)).toEqual(commits);
    expect(existsSync(lockFile(dirty))).toBe(false);
    // Resume is no way around it either: the user's edits are not the run's leftovers.
    const resume = await runCli(dirty, ['--resume']);
    expect(resume.code).toBe(2);
  });
});

describe('bad flags', () => {
  it('--concurrency 0 exits 2', async () => {
    const out = await runCli(project, ['--concurrency', '0']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--concurrency must be a whole number/);
  });

  it('--downstream without --task exits 2', async () => {
    const out = await runCli(project, ['--downstream']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--downstream needs --task');
  });

  it('--task NOPE exits 2 listing the known tasks, before touching a new workspace', async () => {
    const fresh = makeProject(SMALL);
    const out = await runCli(fresh, ['--task', 'NOPE']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('unknown task NOPE');
    for (const t of SMALL) expect(out.stderr).toContain(t.id);
    expect(existsSync(lockFile(fresh))).toBe(false);
    expect(existsSync(path.join(fresh.workspaceDir, '.git'))).toBe(false);
  });

  it('--provider anthropic without ANTHROPIC_API_KEY exits 2 with a clear message and no lock left', async () => {
    const fresh = makeProject(SMALL);
    const out = await spawnCli(
      fresh,
      [
        'run',
        '--graph',
        fresh.graphFile,
        '--agents',
        fresh.agentsDir,
        '--workspace',
        fresh.workspaceDir,
        '--reports',
        fresh.reportsDir,
        '--provider',
        'anthropic',
      ],
      childEnv({ ANTHROPIC_API_KEY: '' }),
    ).done;
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('ANTHROPIC_API_KEY is not set');
    expect(out.stderr).toContain('--provider scripted');
    expect(out.stderr).not.toMatch(/internal error/);
    expect(existsSync(lockFile(fresh))).toBe(false);
  });

  it('--resume combined with --task, or a run id without --resume, exits 2', async () => {
    const both = await runCli(project, ['--resume', '--task', 'C1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--resume and --task cannot be combined');
    const stray = await runCli(project, [runId]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain(`unexpected argument '${runId}'`);
  });
});
