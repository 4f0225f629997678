// The user's path through the built CLI (npm test builds first): import the new-style
// plan with a Claude Code agents folder, run it offline with --sync-tasks, and find the
// tasks ticked in tasks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, repoRoot } from './helpers.js';

const main = join(repoRoot, 'dist/cli/main.js');

function cli(args: string[], cwd: string) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }; // no API key: the scripted provider
  const result = spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('flux-triton import spec-kit, then run --sync-tasks (built CLI)', () => {
  it('imports, runs every task offline, and ticks them in tasks.md when asked', () => {
    expect(existsSync(join(repoRoot, 'dist/cli/commands/import.js')), 'run `npm run build` first').toBe(true);
    const dir = copyFixture('albums-new');
    const imported = cli(['import', 'spec-kit', 'specs/002-photo-albums/tasks.md', '--agents', '.claude/agents'], dir);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('wrote specs/002-photo-albums/flux-triton/graph.yaml: 11 tasks in 6 phases');
    expect(imported.stderr).toContain('.claude/agents/README.md: warning: skipped README.md');

    const graph = 'specs/002-photo-albums/flux-triton/graph.yaml';
    expect(cli(['validate', '--graph', graph, '--agents', '.claude/agents'], dir).code).toBe(0);
    const tasksMd = join(dir, 'specs/002-photo-albums/tasks.md');
    const before = readFileSync(tasksMd);
    const args = ['run', '--graph', graph, '--agents', '.claude/agents', '--workspace', 'ws', '--reports', 'reports'];
    const first = cli(args, dir);
    expect(first.stderr).toContain('11 succeeded');
    expect(first.code).toBe(0);
    expect(readFileSync(tasksMd)).toEqual(before); // no --sync-tasks, no change

    // Run again with --sync-tasks: every task is cached (done before), so every one is ticked.
    const second = cli([...args, '--sync-tasks'], dir);
    expect(second.stderr).toContain('11 cached');
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('tasks.md:  specs/002-photo-albums/tasks.md: 11 task(s) ticked');
    const ticked = readFileSync(tasksMd, 'utf8').match(/^- \[x\] T\d+/gm);
    expect(ticked).toHaveLength(12); // T001 was ticked before
  }, 120_000);
});
