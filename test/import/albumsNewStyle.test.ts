// Done criterion of issue 11, second half: a new-style tasks.md with three user stories
// imports with a Claude Code agents folder and runs offline with scripted agents, and
// --sync-tasks ticks exactly the finished tasks in tasks.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/util/diagnostic.js';
import { loadProject } from '../../src/config/project.js';
import { analyzeGraph } from '../../src/graph/analyze.js';
import { importSpecKit, TasksSync } from '../../src/import/index.js';
import { runPipeline } from '../../src/pipeline/runPipeline.js';
import { copyFixture } from './helpers.js';

describe('import spec-kit: a new-style tasks.md with three user stories', () => {
  const dir = copyFixture('albums-new');
  const feature = join(dir, 'specs/002-photo-albums');
  const tasksFile = join(feature, 'tasks.md');
  const agentsDir = join(dir, '.claude/agents');
  const original = readFileSync(tasksFile);
  const result = importSpecKit({ tasksFile, agentsDir });
  const project = loadProject({ graphFile: result.graphFile, agentsDir });
  const graph = project.graph;
  const task = (id: string) => graph?.tasks.find((t) => t.id === id);

  it('imports into a graph validate accepts; the ticked T001 is kept as done and left out', () => {
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(project.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.counts.done).toEqual(['T001']);
    expect(graph?.tasks.map((t) => t.id)).toEqual(['T002', 'T003', 'T004', 'T005', 'T006', 'T007', 'T008', 'T009', 'T010', 'T011', 'T012']);
    expect(graph?.phases.map((p) => p.id)).toEqual([
      'setup',
      'foundational',
      'user-story-1-create-an-album',
      'user-story-2-sort-photos-by',
      'user-story-3-share-an-album',
      'polish-cross-cutting-concerns',
    ]);
    expect(graph?.phases[2]?.title).toBe('User Story 1 - 앨범 만들기 / Create an album');
  });

  it('reads the Claude Code agents folder: README skipped, WebFetch/MCP/permission rules warned, nothing fatal', () => {
    const messages = project.problems.map((p) => formatDiagnostic(p, { relativeTo: agentsDir }));
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^README\.md: warning: skipped README\.md: documentation, not an agent definition/),
        expect.stringMatching(/^docs-writer\.md:4:8: warning: tool `WebFetch` is a Claude Code tool this runner does not provide/),
        expect.stringMatching(/^docs-writer\.md:4:8: warning: tool `mcp__context7__get-library-docs` is a Claude Code tool/),
        expect.stringMatching(/^docs-writer\.md:5:1: warning: Claude Code's `skills` is kept but not used/),
        expect.stringMatching(/^test-writer\.md:4:8: warning: tool `Bash\(pytest:\*\)` is a Claude Code permission rule: granted as `Bash`/),
        expect.stringMatching(/^test-writer\.md:7:1: warning: Claude Code's `permissionMode` is kept but not used/),
      ]),
    );
    expect([...project.agents.keys()].sort()).toEqual(['docs-writer', 'python-developer', 'test-writer']);
  });

  it('lets the three user stories run side by side after Foundational, as the prose says, and Polish wait for all of them', () => {
    expect(task('T002')?.needs).toEqual([]); // T001 is done, so nothing is left to wait for
    expect(task('T003')?.needs).toEqual(['T002']);
    expect(task('T004')?.needs).toEqual(['T003']); // [P], but after T003, which has none
    for (const id of ['T005', 'T007', 'T009']) expect(task(id)?.needs).toEqual(['T004']);
    expect(task('T006')?.needs).toEqual(['T005']);
    expect(task('T008')?.needs).toEqual(['T007']); // "(depends on T004)" is implied, so not repeated
    expect(task('T011')?.needs).toEqual(['T006', 'T008', 'T010']);
    expect(task('T012')?.needs).toEqual(['T011']);
    const analysis = analyzeGraph(graph as NonNullable<typeof graph>);
    expect(analysis.canRunConcurrently('T006', 'T008')).toBe(true);
    expect(analysis.canRunConcurrently('T005', 'T010')).toBe(true);
    expect(result.guesses).toContain(
      'phase "User Story 2 - Sort photos by date taken" waits for "Foundational (Blocking Prerequisites)" (from the dependency prose, instead of the phase before it)',
    );
  });

  it('assigns agents by name and description, reporting each guess, and reports prose it could not read', () => {
    expect(Object.fromEntries(graph?.tasks.map((t) => [t.id, t.agent]) ?? [])).toMatchObject({
      T002: 'docs-writer',
      T003: 'python-developer',
      T005: 'test-writer',
      T006: 'python-developer',
      T011: 'docs-writer',
    });
    expect(result.guesses.filter((g) => / agent /.test(g))).toHaveLength(11);
    expect(result.notUnderstood).toEqual([
      'tasks.md:108: "Tests MUST be written and FAIL before implementation": `Tests MUST be written and FAIL` names no task id, phase or user story',
      'tasks.md:109: "Models before services": `Models` names no task id, phase or user story',
    ]);
  });

  it('runs offline with scripted agents, and --sync-tasks ticks each finished task, changing nothing else', async () => {
    const sync = TasksSync.forGraph(result.graphFile);
    const workspaceDir = join(dir, 'workspace');
    mkdirSync(workspaceDir);
    const summary = await runPipeline({
      graphFile: result.graphFile,
      agentsDir,
      workspaceDir,
      reportsDir: join(dir, 'reports'),
      projectRoot: dir,
      provider: 'scripted',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      onEvent: sync.onEvent,
    });
    expect(summary.status).toBe('succeeded');
    expect(Object.values(summary.tasks).every((s) => s === 'succeeded')).toBe(true);
    const commits = execFileSync('git', ['-C', workspaceDir, 'log', '--format=%s'], { encoding: 'utf8' }).trim().split('\n');
    expect(commits.filter((s) => /^T\d{3}: /.test(s))).toHaveLength(11);
    expect(readFileSync(join(workspaceDir, 'specs/002-photo-albums/spec.md'), 'utf8')).toContain('여름 휴가'); // the feature's documents are the agents' context

    expect([...sync.ticked].sort()).toEqual(['T002', 'T003', 'T004', 'T005', 'T006', 'T007', 'T008', 'T009', 'T010', 'T011', 'T012']);
    const after = readFileSync(tasksFile);
    expect(after.length).toBe(original.length);
    const changed = [...after.keys()].filter((i) => after[i] !== original[i]);
    expect(changed).toHaveLength(11); // one byte per task: ' ' → 'x'
    for (const i of changed) expect([original[i], after[i]]).toEqual([0x20, 0x78]);
    expect(after.toString('utf8')).toContain('- [x] T004 [P]   Storage helpers (JSON files, 한글 파일명 지원) in src/albums/storage.py');
  });
});
