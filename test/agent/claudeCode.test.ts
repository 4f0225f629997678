// The claude-code provider against the local scripted server: real Claude Code sessions
// (the Agent SDK's bundled executable) whose tool calls the scripts drive, offline.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProvider } from '../../src/agent/providers/provider.js';
import { resolveModel } from '../../src/agent/models.js';
import type { TurnRecord } from '../../src/agent/types.js';
import { TASK_HEADER } from '../../src/agent/scripted/server.js';
import { makeAgent, makeScripts, makeTask, makeTree, SHARED_CONTEXT } from './helpers.js';

describe('claude-code provider, offline', () => {
  it('drives Claude Code tools from the script, refuses writes outside the outputs, and repairs in the same session', async () => {
    const scriptsDir = await makeScripts({
      T1: [
        { text: 'Reading the brief.', tools: [{ Read: { file_path: 'brief.md' } }] },
        {
          text: 'Writing the output, and a file I may not write.',
          tools: [{ Write: { file_path: 'out/result.txt', content: 'first\n' } }, { Write: { file_path: 'notes.txt', content: 'x\n' } }],
        },
        { text: 'Done.' },
        { text: 'Fixing it.', tools: [{ Bash: { command: 'echo fixed > out/result.txt && cat out/result.txt' } }] },
        { text: 'Repaired.' },
      ],
    });
    const workspace = await makeTree({ 'brief.md': '# Brief\nwrite out/result.txt\n' });
    const provider = await createProvider({ kind: 'claude-code', offline: true, env: process.env, scriptsDir, goldenDir: scriptsDir, recordRequests: true });
    try {
      expect(provider.describe()).toMatch(/claude-code, offline/);
      expect(() => provider.client('T1')).toThrow(/no Messages API client/);
      const turns: TurnRecord[] = [];
      const session = provider.session({
        model: resolveModel({ defaults: 'sonnet' }),
        agent: makeAgent(),
        task: makeTask({ id: 'T1', outputs: ['out/**'] }),
        workspaceDir: workspace,
        sharedContext: SHARED_CONTEXT,
        maxTurns: 10,
        onTurn: (t) => void turns.push(t),
      });

      const first = await session.run('Write out/result.txt.');
      expect(first).toMatchObject({ reason: 'end_turn', message: 'Done.', turns: 3 });
      expect(await readFile(path.join(workspace, 'out/result.txt'), 'utf8')).toBe('first\n');
      expect(existsSync(path.join(workspace, 'notes.txt'))).toBe(false);

      // Turn records in the anthropic provider's shape: Claude Code's Read got an absolute path.
      expect(turns.map((t) => [t.turn, t.stopReason])).toEqual([
        [1, 'tool_use'],
        [2, 'tool_use'],
        [3, 'end_turn'],
      ]);
      expect(turns[0]?.prompt).toBe('Write out/result.txt.');
      expect(turns[0]?.assistant.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'Read', input: { file_path: path.join(workspace, 'brief.md') } });
      expect(JSON.stringify(turns[0]?.toolResults[0]?.content)).toContain('write out/result.txt');
      const refused = turns[1]?.toolResults.find((r) => r.tool_use_id === 'toolu_T1_2_2');
      expect(refused).toMatchObject({ is_error: true });
      expect(JSON.stringify(refused?.content)).toMatch(/Refused: Write may only change this task's declared outputs.*notes\.txt.*Allowed: out\/\*\*/);
      // Usage is each reply's final count (message_delta), not the streamed early one.
      expect(turns.every((t) => t.usage.outputTokens > 1)).toBe(true);
      expect(first.usage.outputTokens).toBe(turns.reduce((sum, t) => sum + t.usage.outputTokens, 0));
      const sessionId = turns[0]?.sessionId;
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

      const second = await session.run('Verification failed: fix it.');
      expect(second).toMatchObject({ reason: 'end_turn', message: 'Repaired.', turns: 2 });
      expect(await readFile(path.join(workspace, 'out/result.txt'), 'utf8')).toBe('fixed\n');
      // The same Claude Code session, continued: the repair's first request carries the whole conversation.
      expect(turns.slice(3).map((t) => [t.turn, t.sessionId, t.prompt])).toEqual([
        [4, sessionId, 'Verification failed: fix it.'],
        [5, sessionId, undefined],
      ]);
      const requests = provider.server?.requests ?? [];
      const scripted = requests.filter((r) => !r.side);
      expect(scripted.map((r) => r.turn)).toEqual([1, 2, 3, 4, 5]);
      expect(scripted.every((r) => r.task === 'T1' && r.headers[TASK_HEADER] === 'T1')).toBe(true);
    } finally {
      await provider.close();
    }
  }, 60_000);

  it('stops at the turn limit with max_turns', async () => {
    const scriptsDir = await makeScripts({
      T2: [{ tools: [{ Glob: { pattern: '*' } }] }, { tools: [{ Glob: { pattern: '*' } }] }, { text: 'never reached' }],
    });
    const workspace = await makeTree({ 'a.txt': 'a' });
    const provider = await createProvider({ kind: 'claude-code', offline: true, env: process.env, scriptsDir, goldenDir: scriptsDir });
    try {
      const session = provider.session({
        model: resolveModel({ defaults: 'sonnet' }),
        agent: makeAgent(),
        task: makeTask({ id: 'T2', outputs: ['out/**'] }),
        workspaceDir: workspace,
        sharedContext: SHARED_CONTEXT,
        maxTurns: 1,
      });
      const outcome = await session.run('List the files.');
      expect(outcome.reason).toBe('max_turns');
      expect(outcome.message).toMatch(/turn limit \(1\)/);
    } finally {
      await provider.close();
    }
  }, 60_000);

  it('resume() continues the recorded Claude Code session, or hands a finished one straight to verification', async () => {
    const scriptsDir = await makeScripts({
      T3: [{ tools: [{ Glob: { pattern: '*.txt' } }] }, { text: 'Finished.' }, { text: 'Carried on.' }],
    });
    const workspace = await makeTree({ 'a.txt': 'a' });
    const provider = await createProvider({ kind: 'claude-code', offline: true, env: process.env, scriptsDir, goldenDir: scriptsDir });
    try {
      const base = {
        model: resolveModel({ defaults: 'sonnet' }),
        agent: makeAgent(),
        task: makeTask({ id: 'T3', outputs: ['out/**'] }),
        workspaceDir: workspace,
        sharedContext: SHARED_CONTEXT,
        maxTurns: 5,
      };
      const turns: TurnRecord[] = [];
      const first = await provider.session({ ...base, onTurn: (t) => void turns.push(t) }).run('List the text files.');
      expect(first).toMatchObject({ reason: 'end_turn', message: 'Finished.' });
      const sessionId = turns[0]?.sessionId as string;

      // A run that stopped after the model had finished: nothing is sent, verification comes next.
      const before = provider.server?.requests.length;
      const finished = provider.session({
        ...base,
        resumeSessionId: sessionId,
        history: [
          { role: 'user', content: 'List the text files.' },
          { role: 'assistant', content: turns[1]?.assistant ?? [] },
        ],
      });
      expect(await finished.resume()).toMatchObject({ reason: 'end_turn', message: 'Finished.', turns: 0 });
      expect(provider.server?.requests.length).toBe(before);

      // A run that stopped mid-conversation: the same Claude Code session is asked to carry on.
      const resumedTurns: TurnRecord[] = [];
      const cut = provider.session({
        ...base,
        resumeSessionId: sessionId,
        turnsSoFar: 2,
        history: [
          { role: 'user', content: 'List the text files.' },
          { role: 'assistant', content: turns[0]?.assistant ?? [] },
          { role: 'user', content: turns[0]?.toolResults ?? [] },
        ],
        onTurn: (t) => void resumedTurns.push(t),
      });
      expect(await cut.resume()).toMatchObject({ reason: 'end_turn', message: 'Carried on.', turns: 1 });
      expect(resumedTurns.map((t) => [t.turn, t.sessionId])).toEqual([[3, sessionId]]);
      expect(resumedTurns[0]?.prompt).toMatch(/interrupted.*Continue/);

      // Without a recorded session there is nothing to continue, and the outcome says so.
      expect(await provider.session({ ...base, history: [{ role: 'user', content: 'x' }] }).resume()).toMatchObject({
        reason: 'error',
        message: expect.stringMatching(/no Claude Code session id/),
      });
    } finally {
      await provider.close();
    }
  }, 60_000);
});
