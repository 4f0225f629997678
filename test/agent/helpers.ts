// Builders for the agent tests: temporary workspaces, script folders, agents and tasks,
// and a session wired to a scripted server through the real SDK.
import Anthropic from '@anthropic-ai/sdk';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterEach } from 'vitest';
import type { AgentDefinition, TaskSpec, ToolName } from '../../src/config/types.js';
import { AgentSession, type AgentSessionOptions } from '../../src/agent/session.js';
import { startScriptedServer, TASK_HEADER, type ScriptedServer, type ScriptedServerOptions } from '../../src/agent/scripted/server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

export async function tempDir(prefix = 'flux-agent-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A directory holding `files` (path → content). */
export async function makeTree(files: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir();
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  return dir;
}

export interface ScriptTurnSpec {
  text?: string;
  tools?: Record<string, Record<string, unknown>>[];
  stop?: string;
}

/** A scripts dir with one YAML script per task. */
export async function makeScripts(scripts: Record<string, ScriptTurnSpec[]>): Promise<string> {
  const files: Record<string, string> = {};
  for (const [task, turns] of Object.entries(scripts)) files[`${task}.yaml`] = stringify({ task, turns });
  return makeTree(files);
}

export async function startServer(options: Partial<ScriptedServerOptions> & { scriptsDir: string }): Promise<ScriptedServer> {
  const server = await startScriptedServer({ goldenDir: options.goldenDir ?? (await makeTree()), ...options });
  cleanups.push(() => server.close());
  return server;
}

export function makeAgent(overrides: Partial<AgentDefinition> = {}): AgentDefinition {
  return {
    name: 'test-agent',
    description: 'An agent for tests',
    tools: ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash'] as ToolName[],
    prompt: 'You are a careful test agent.',
    extra: {},
    source: { file: 'agents/test-agent.md' },
    ...overrides,
  };
}

export function makeTask(overrides: Partial<TaskSpec> = {}): TaskSpec {
  return {
    id: 'T001',
    title: 'A test task',
    phase: 'tests',
    agent: 'test-agent',
    needs: [],
    outputs: ['out/**'],
    verify: [],
    prompt: 'Do the thing.',
    source: { file: 'tasks/test.yaml' },
    ...overrides,
  };
}

export function scriptedClient(server: ScriptedServer, task: string, options: { maxRetries?: number; apiKey?: string } = {}): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey ?? 'scripted-local',
    baseURL: server.url,
    maxRetries: options.maxRetries ?? 0,
    defaultHeaders: { [TASK_HEADER]: task },
  });
}

export const SHARED_CONTEXT = 'Shared project brief. '.repeat(200);

export function makeSession(
  server: ScriptedServer,
  workspaceDir: string,
  overrides: Partial<AgentSessionOptions> & { taskId?: string; maxRetries?: number } = {},
): AgentSession {
  const { taskId = 'T001', maxRetries, ...rest } = overrides;
  const task = rest.task ?? makeTask({ id: taskId });
  return new AgentSession({
    client: scriptedClient(server, task.id, { maxRetries: maxRetries ?? 0 }),
    model: 'claude-sonnet-5-5',
    agent: makeAgent(),
    task,
    workspaceDir,
    sharedContext: SHARED_CONTEXT,
    maxTurns: 20,
    wait: async () => {},
    ...rest,
  });
}
