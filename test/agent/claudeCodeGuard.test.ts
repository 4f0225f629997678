// The pieces of the claude-code provider that need no Claude Code process: the write
// guard, the launch environment, and the scripted server's answers to side requests.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeCodeEnv } from '../../src/agent/claudeCode/launchEnv.js';
import { writeGuard } from '../../src/agent/claudeCode/writeGuard.js';
import { absolutizeToolInput, WORKSPACE_HEADER } from '../../src/agent/scripted/claudeCodeInputs.js';
import { SIDE_REPLY_TEXT, TASK_HEADER } from '../../src/agent/scripted/server.js';
import { makeScripts, startServer } from './helpers.js';

const WS = path.resolve('/tmp/ws-guard');

describe('writeGuard', () => {
  const guard = writeGuard(WS, ['out/**', 'triton_models/bls/1/model.py']);

  it('allows reads, Bash and writes inside the outputs', () => {
    expect(guard('Read', { file_path: '/etc/passwd' })).toMatchObject({ behavior: 'allow' });
    expect(guard('Bash', { command: 'ls' })).toMatchObject({ behavior: 'allow' });
    expect(guard('Write', { file_path: path.join(WS, 'out/a/b.txt'), content: '' })).toMatchObject({ behavior: 'allow' });
    expect(guard('Edit', { file_path: path.join(WS, 'triton_models/bls/1/model.py') })).toMatchObject({ behavior: 'allow' });
  });

  it('refuses writes outside the outputs, naming what is allowed', () => {
    const decision = guard('MultiEdit', { file_path: path.join(WS, 'triton_models/bls/config.pbtxt') });
    expect(decision).toEqual({
      behavior: 'deny',
      message:
        'Refused: MultiEdit may only change this task\'s declared outputs, and "triton_models/bls/config.pbtxt" is not one of them. Allowed: out/**, triton_models/bls/1/model.py.',
    });
  });

  it('refuses writes outside the workspace, into .git, and without a path', () => {
    expect(guard('Write', { file_path: '/tmp/elsewhere/out/x' })).toMatchObject({
      behavior: 'deny',
      message: expect.stringMatching(/only write inside the workspace .* is outside it/),
    });
    expect(guard('Write', { file_path: path.join(WS, '../ws-guard-sibling/out/x') })).toMatchObject({ behavior: 'deny' });
    expect(guard('Edit', { file_path: path.join(WS, '.git/config') })).toMatchObject({ behavior: 'deny', message: expect.stringMatching(/\.git/) });
    expect(guard('NotebookEdit', { notebook_path: path.join(WS, 'x.ipynb') })).toMatchObject({ behavior: 'deny' });
    expect(guard('Write', { content: 'x' })).toMatchObject({ behavior: 'deny', message: expect.stringMatching(/needs file_path/) });
  });
});

describe('claudeCodeEnv', () => {
  const env = { PATH: '/usr/bin', ANTHROPIC_API_KEY: 'sk-ant-real', CLAUDE_CODE_OAUTH_TOKEN: 'oauth', HOME: '/home/me' };

  it('online: the tools environment plus the login variables, non-essential traffic off', () => {
    const live = claudeCodeEnv({ mode: 'live', env, toolEnv: { PATH: '/venv/bin:/usr/bin', HOME: '/home/me' }, task: 'T1' });
    expect(live).toMatchObject({
      PATH: '/venv/bin:/usr/bin',
      HOME: '/home/me',
      ANTHROPIC_API_KEY: 'sk-ant-real',
      CLAUDE_CODE_OAUTH_TOKEN: 'oauth',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
  });

  it('offline: the local server, a placeholder key, task and workspace headers, its own config and HOME; no login', () => {
    const off = claudeCodeEnv({ mode: 'offline', env, toolEnv: env, task: 'T7', workspaceDir: WS, baseUrl: 'http://127.0.0.1:9', configDir: '/tmp/cfg' });
    expect(off).toMatchObject({
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
      ANTHROPIC_API_KEY: 'scripted-local',
      ANTHROPIC_CUSTOM_HEADERS: `${TASK_HEADER}: T7\n${WORKSPACE_HEADER}: ${WS}`,
      CLAUDE_CONFIG_DIR: '/tmp/cfg',
      HOME: '/tmp/cfg',
    });
    expect(off.CLAUDE_CODE_OAUTH_TOKEN).toBeUndefined();
  });
});

describe('the scripted server for Claude Code', () => {
  it('makes script paths absolute against the workspace, for the file tools only', () => {
    expect(absolutizeToolInput('Read', { file_path: 'a/b.py' }, WS)).toEqual({ file_path: path.join(WS, 'a/b.py') });
    expect(absolutizeToolInput('Grep', { pattern: 'x', path: 'triton_models' }, WS)).toEqual({ pattern: 'x', path: path.join(WS, 'triton_models') });
    expect(absolutizeToolInput('Read', { file_path: '/abs.py' }, WS)).toEqual({ file_path: '/abs.py' });
    expect(absolutizeToolInput('Bash', { command: 'ls a' }, WS)).toEqual({ command: 'ls a' });
  });

  it('answers requests that are not agent turns, and other endpoints, without failing or using the script', async () => {
    const scriptsDir = await makeScripts({ T1: [{ text: 'scripted turn 1' }] });
    const server = await startServer({ scriptsDir, claudeCode: true });
    const headers = { 'content-type': 'application/json', [TASK_HEADER]: 'T1', [WORKSPACE_HEADER]: WS };
    const side = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 1, messages: [{ role: 'user', content: 'quota' }] }),
    });
    expect(side.status).toBe(200);
    expect(((await side.json()) as { content: { text: string }[] }).content[0]?.text).toBe(SIDE_REPLY_TEXT);
    const other = await fetch(`${server.url}/api/some/settings`, { headers });
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({});
    const turn = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        model: 'm',
        max_tokens: 10,
        tools: [{ name: 'Read', input_schema: { type: 'object' } }],
        messages: [{ role: 'user', content: 'go' }],
      }),
    });
    expect(((await turn.json()) as { content: { text: string }[] }).content[0]?.text).toBe('scripted turn 1');
    expect(server.requests.map((r) => [r.path, r.side ?? false])).toEqual([
      ['/v1/messages', true],
      ['/api/some/settings', true],
      ['/v1/messages', false],
    ]);
  });

  it('without Claude Code mode, other endpoints are still refused with 404', async () => {
    const server = await startServer({ scriptsDir: await makeScripts({}) });
    expect((await fetch(`${server.url}/api/some/settings`)).status).toBe(404);
  });
});
