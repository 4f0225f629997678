// The whole FLUX graph offline with --provider claude-code: every task is a real Claude
// Code session (the Agent SDK's bundled executable) whose model turns the scripted server
// plays. The same 13 commits as the scripted provider, the same files, a clean `check`,
// and transcripts in the usual shape with Claude Code's session id on every turn.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnRecord } from '../../src/agent/types.js';
import { readTranscript } from '../../src/events/index.js';
import { runPipeline, type RunSummary } from '../../src/pipeline/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const GOLDEN = path.join(ROOT, 'tasks', 'golden');
const ALL = ['T003', 'T004', 'T005', 'T006', 'T007', 'T008', 'T009', 'T010', 'T011', 'T012', 'T013', 'T014', 'T015'];

/** The system python3 (no torch needed: torch-dependent checks are skipped, as in the scripted run). */
function systemPython(): string {
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
}

let scratch: string;
let workspace: string;
let summary: RunSummary;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'flux-claude-code-run-'));
  workspace = path.join(scratch, 'workspace');
  const env: NodeJS.ProcessEnv = { ...process.env, FLUX_TRITON_PYTHON: systemPython() };
  delete env.ANTHROPIC_API_KEY;
  summary = await runPipeline({
    graphFile: path.join(ROOT, 'tasks', 'flux-triton.yaml'),
    agentsDir: path.join(ROOT, 'agents'),
    workspaceDir: workspace,
    reportsDir: path.join(scratch, 'reports'),
    projectRoot: ROOT,
    provider: 'claude-code',
    offline: true,
    env,
  });
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function transcript(task: string): TurnRecord[] {
  const file = path.join(summary.runDir, 'transcripts', `${task}.jsonl`);
  return readTranscript(file);
}

describe('the FLUX graph, offline, with --provider claude-code', () => {
  it('all 13 tasks succeed', () => {
    expect(summary.provider).toBe('claude-code');
    expect(summary.status).toBe('succeeded');
    for (const id of ALL) expect(summary.tasks[id], id).toBe('succeeded');
  });

  it('13 task commits, a clean tree, and the committed models and tests are the golden files', () => {
    const subjects = git(workspace, 'log', '--format=%s').trim().split('\n');
    const tasks = subjects.map((s) => /^(T\d{3}): /.exec(s)?.[1]).filter((id): id is string => id !== undefined);
    expect([...tasks].sort()).toEqual(ALL);
    expect(git(workspace, 'status', '--porcelain', '--untracked-files=no').trim()).toBe('');
    const committed = git(workspace, 'ls-files')
      .trim()
      .split('\n')
      .filter((f) => /^(triton_models|tests)\//.test(f));
    expect(committed.length).toBe(13);
    for (const file of committed) {
      expect(readFileSync(path.join(workspace, file), 'utf8'), file).toBe(readFileSync(path.join(GOLDEN, file), 'utf8'));
    }
  });

  it('flux-triton check is clean', () => {
    const result = spawnSync(
      process.execPath,
      [CLI, 'check', path.join(workspace, 'triton_models'), '--contract', path.join(workspace, 'tensor_contract.md'), '--json'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { summary: { errors: number; warnings: number }; models: string[] };
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
    expect(report.models).toHaveLength(5);
  });

  it('transcripts: Claude Code tool calls with absolute paths in the workspace, usage per turn, one session id per task', () => {
    expect(readdirSync(path.join(summary.runDir, 'transcripts')).sort()).toEqual(ALL.map((id) => `${id}.jsonl`));
    for (const id of ALL) {
      const turns = transcript(id);
      expect(turns.length, id).toBeGreaterThan(1);
      expect(new Set(turns.map((t) => t.sessionId)).size, `${id} session ids`).toBe(1);
      expect(turns[0]?.sessionId, id).toMatch(/^[0-9a-f-]{36}$/);
      expect(turns.at(-1)?.stopReason, id).toBe('end_turn');
      for (const turn of turns) {
        expect(turn.usage.outputTokens, `${id} turn ${turn.turn}`).toBeGreaterThan(1);
        for (const block of turn.assistant) {
          if (block.type !== 'tool_use') continue;
          const filePath = (block.input as { file_path?: string }).file_path;
          if (filePath !== undefined) expect(filePath.startsWith(`${workspace}${path.sep}`), `${id} ${block.name} ${filePath}`).toBe(true);
        }
        expect(turn.toolResults.length, `${id} turn ${turn.turn} results`).toBe(turn.assistant.filter((b) => b.type === 'tool_use').length);
      }
    }
  });

  it('the run summary prices the usage the transcripts recorded, as for the other providers', () => {
    const run = JSON.parse(readFileSync(path.join(summary.runDir, 'summary.json'), 'utf8')) as {
      provider: string;
      costUsd: number | null;
      usage: { outputTokens: number; cacheCreationInputTokens: number };
    };
    expect(run.provider).toBe('claude-code');
    expect(run.costUsd).toBeGreaterThan(0);
    const recorded = ALL.flatMap(transcript);
    expect(run.usage.outputTokens).toBe(recorded.reduce((sum, t) => sum + t.usage.outputTokens, 0));
    expect(run.usage.cacheCreationInputTokens).toBe(recorded.reduce((sum, t) => sum + t.usage.cacheCreationInputTokens, 0));
  });
});
