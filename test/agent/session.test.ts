import type Anthropic from '@anthropic-ai/sdk';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TurnRecord } from '../../src/agent/types.js';
import { buildTaskMessage } from '../../src/agent/taskMessage.js';
import { TOOL_DEFINITIONS } from '../../src/agent/tools/definitions.js';
import { makeAgent, makeScripts, makeSession, makeTask, makeTree, startServer, SHARED_CONTEXT } from './helpers.js';

type Body = { system: Anthropic.TextBlockParam[]; tools: Anthropic.Tool[]; messages: Anthropic.MessageParam[] };
const bodyOf = (request: { body: unknown }) => request.body as Body;
const toolResultsIn = (message: Anthropic.MessageParam | undefined) =>
  (message && typeof message.content !== 'string' ? message.content : []).filter((b): b is Anthropic.ToolResultBlockParam => b.type === 'tool_result');

describe('AgentSession over the scripted server', () => {
  it('answers every tool call of a turn in the next message, and ends on end_turn', async () => {
    const workspace = await makeTree({ 'ref.py': 'print("ref")\n', 'notes.md': 'notes\n' });
    const scriptsDir = await makeScripts({
      T001: [
        { text: 'Reading both files.', tools: [{ Read: { file_path: 'ref.py' } }, { Read: { file_path: 'notes.md' } }, { Glob: { pattern: '*.md' } }] },
        { tools: [{ Write: { file_path: 'out/model.py', content: 'x = 1\n' } }] },
        { text: 'Done: wrote out/model.py.' },
      ],
    });
    const server = await startServer({ scriptsDir });
    const turns: TurnRecord[] = [];
    const session = makeSession(server, workspace, { onTurn: (turn) => void turns.push(turn) });
    const outcome = await session.run('Do the task.');

    expect(outcome).toMatchObject({ reason: 'end_turn', message: 'Done: wrote out/model.py.', turns: 3 });
    expect(await readFile(path.join(workspace, 'out/model.py'), 'utf8')).toBe('x = 1\n');
    const second = bodyOf(server.requests[1]!);
    const results = toolResultsIn(second.messages.at(-1));
    expect(results.map((r) => r.tool_use_id)).toEqual(['toolu_T001_1_1', 'toolu_T001_1_2', 'toolu_T001_1_3']);
    expect(results[0]?.content).toContain('print("ref")');
    expect(results[2]?.content).toBe('notes.md');
    expect(turns.map((t) => [t.turn, t.stopReason, t.toolResults.length])).toEqual([
      [1, 'tool_use', 3],
      [2, 'tool_use', 1],
      [3, 'end_turn', 0],
    ]);
    expect(turns.every((t) => t.requestId?.startsWith('req_scripted_'))).toBe(true);
    expect(turns.map((t) => t.prompt)).toEqual(['Do the task.', undefined, undefined]);
    expect(outcome.usage.outputTokens).toBe(turns.reduce((sum, t) => sum + t.usage.outputTokens, 0));
    expect(outcome.usage.outputTokens).toBeGreaterThan(0);
  });

  it('composes requests: fixed tool list, cached shared context first, at most 4 cache marks', async () => {
    const workspace = await makeTree({ 'a.txt': 'a' });
    const scriptsDir = await makeScripts({
      T001: [
        { tools: [{ Read: { file_path: 'a.txt' } }] },
        { tools: [{ Read: { file_path: 'a.txt' } }] },
        { tools: [{ Read: { file_path: 'a.txt' } }] },
        { text: 'ok' },
      ],
    });
    const server = await startServer({ scriptsDir });
    const agent = makeAgent({ tools: ['Read'], prompt: 'Agent prompt.' });
    await makeSession(server, workspace, { agent }).run('go');
    for (const request of server.requests) {
      const body = bodyOf(request);
      expect(body.tools.map((t) => t.name)).toEqual(['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash']);
      expect(body.tools).toEqual(TOOL_DEFINITIONS);
      expect(body.system).toEqual([
        { type: 'text', text: SHARED_CONTEXT, cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Agent prompt.' },
      ]);
      const marks = JSON.stringify(body).match(/"cache_control"/g)?.length ?? 0;
      expect(marks).toBeLessThanOrEqual(4);
      const last = body.messages.at(-1)!.content as Anthropic.ContentBlockParam[];
      expect(last.at(-1)).toHaveProperty('cache_control', { type: 'ephemeral' });
    }
    expect(JSON.stringify(bodyOf(server.requests[3]!)).match(/"cache_control"/g)).toHaveLength(4);
  });

  it('continues the same conversation when run() is called again', async () => {
    const workspace = await makeTree();
    const scriptsDir = await makeScripts({ T001: [{ text: 'First answer.' }, { text: 'Repaired.' }] });
    const server = await startServer({ scriptsDir });
    const session = makeSession(server, workspace);
    expect((await session.run('Task.')).message).toBe('First answer.');
    const second = await session.run('verify failed: fix it');
    expect(second).toMatchObject({ reason: 'end_turn', message: 'Repaired.', turns: 1 });
    expect(bodyOf(server.requests[1]!).messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(session.messages).toHaveLength(4);
    expect(session.usage.outputTokens).toBeGreaterThan(second.usage.outputTokens);
  });

  describe('stop reasons', () => {
    it('max_tokens with a cut tool call: tells the model and goes on', async () => {
      const workspace = await makeTree();
      const scriptsDir = await makeScripts({
        T001: [{ tools: [{ Write: { file_path: 'out/big.py', content: 'x'.repeat(200) } }], stop: 'max_tokens' }, { text: 'Retrying smaller.' }],
      });
      const server = await startServer({ scriptsDir });
      const turns: TurnRecord[] = [];
      const outcome = await makeSession(server, workspace, { onTurn: (t) => void turns.push(t) }).run('go');
      expect(outcome.reason).toBe('end_turn');
      expect(turns[0]?.toolResults[0]).toMatchObject({ is_error: true, content: expect.stringMatching(/cut off \(max_tokens\)/) });
      await expect(readFile(path.join(workspace, 'out/big.py'))).rejects.toThrow();
    });

    it('max_tokens in text: asks to continue, counting the turn', async () => {
      const workspace = await makeTree();
      const scriptsDir = await makeScripts({ T001: [{ text: 'A long expla', stop: 'max_tokens' }, { text: 'nation, finished.' }] });
      const server = await startServer({ scriptsDir });
      const turns: TurnRecord[] = [];
      const outcome = await makeSession(server, workspace, { onTurn: (t) => void turns.push(t) }).run('go');
      expect(outcome).toMatchObject({ reason: 'end_turn', turns: 2 });
      expect(turns[1]?.prompt).toMatch(/cut off because it reached the output token limit/);
      const last = bodyOf(server.requests[1]!).messages.at(-1)!;
      expect(JSON.stringify(last.content)).toMatch(/cut off because it reached the output token limit/);
    });

    it('pause_turn: sends the assistant content back and asks again', async () => {
      const workspace = await makeTree();
      const scriptsDir = await makeScripts({ T001: [{ text: 'Thinking for a while...', stop: 'pause_turn' }, { text: 'Resumed and done.' }] });
      const server = await startServer({ scriptsDir });
      const outcome = await makeSession(server, workspace).run('go');
      expect(outcome).toMatchObject({ reason: 'end_turn', message: 'Resumed and done.', turns: 2 });
      expect(bodyOf(server.requests[1]!).messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    });

    it('refusal: ends with the model words', async () => {
      const workspace = await makeTree();
      const scriptsDir = await makeScripts({ T001: [{ text: 'I cannot help with that.', stop: 'refusal' }] });
      const server = await startServer({ scriptsDir });
      expect(await makeSession(server, workspace).run('go')).toMatchObject({ reason: 'refusal', message: 'I cannot help with that.' });
    });

    it('model_context_window_exceeded: ends with context_exceeded', async () => {
      const workspace = await makeTree();
      const scriptsDir = await makeScripts({ T001: [{ text: 'Too much.', stop: 'model_context_window_exceeded' }] });
      const server = await startServer({ scriptsDir });
      expect((await makeSession(server, workspace).run('go')).reason).toBe('context_exceeded');
    });

    it('an exhausted script ends the turn', async () => {
      const workspace = await makeTree();
      const server = await startServer({ scriptsDir: await makeScripts({ T001: [] }) });
      expect(await makeSession(server, workspace).run('go')).toMatchObject({ reason: 'end_turn', message: '(script exhausted)' });
    });
  });

  describe('limits', () => {
    const looping = { T001: Array.from({ length: 10 }, () => ({ tools: [{ Glob: { pattern: '*' } }] })) };

    it('maxTurns stops the run with reason max_turns', async () => {
      const server = await startServer({ scriptsDir: await makeScripts(looping) });
      const session = makeSession(server, await makeTree(), { maxTurns: 3 });
      expect(await session.run('go')).toMatchObject({ reason: 'max_turns', turns: 3 });
      expect(server.requests).toHaveLength(3);
    });

    it('tokenBudget stops once the output tokens are spent', async () => {
      const server = await startServer({ scriptsDir: await makeScripts(looping) });
      const session = makeSession(server, await makeTree(), { tokenBudget: 40 });
      const outcome = await session.run('go');
      expect(outcome.reason).toBe('budget');
      expect(outcome.usage.outputTokens).toBeGreaterThanOrEqual(40);
      expect(outcome.turns).toBeLessThan(10);
      // The last turn before the budget ran out was not cut short: its tools were answered.
      expect(session.messages.at(-1)?.role).toBe('user');
    });
  });

  it('continues a saved history, dropping an unanswered trailing tool call', async () => {
    const workspace = await makeTree();
    const scriptsDir = await makeScripts({
      T001: [
        { tools: [{ Glob: { pattern: '*' } }] },
        { tools: [{ Write: { file_path: 'out/a.txt', content: 'from turn 2' } }] },
        { text: 'Finished after resume.' },
      ],
    });
    const server = await startServer({ scriptsDir });
    const history: Anthropic.MessageParam[] = [
      { role: 'user', content: 'Do the task.' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_T001_1_1', name: 'Glob', input: { pattern: '*' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_T001_1_1', content: 'No files' }] },
      // Killed before the result of this call was sent:
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_T001_2_1', name: 'Write', input: { file_path: 'out/a.txt', content: 'x' } }] },
    ];
    const session = makeSession(server, workspace, { history });
    const outcome = await session.resume();
    expect(outcome).toMatchObject({ reason: 'end_turn', message: 'Finished after resume.', turns: 2 });
    expect(server.requests[0]?.turn).toBe(2);
    expect(await readFile(path.join(workspace, 'out/a.txt'), 'utf8')).toBe('from turn 2');
  });

  it('resume() after a finished turn sends nothing and reports end_turn', async () => {
    const server = await startServer({ scriptsDir: await makeScripts({ T001: [{ text: 'never played' }] }) });
    const session = makeSession(server, await makeTree(), {
      history: [
        { role: 'user', content: 'Do the task.' },
        { role: 'assistant', content: [{ type: 'text', text: 'All done.' }] },
      ],
    });
    expect(await session.resume()).toMatchObject({ reason: 'end_turn', message: 'All done.', turns: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it('malformed tool JSON gets an is_error result and the session continues', async () => {
    const workspace = await makeTree();
    const scriptsDir = await makeScripts({ T001: [{ tools: [{ Write: { file_path: 'out/a.txt', content: 'x' } }] }, { text: 'ok' }] });
    const server = await startServer({ scriptsDir, faults: { rules: [{ task: 'T001', turn: 1, malformedToolInput: true }] } });
    const outcome = await makeSession(server, workspace).run('go');
    expect(outcome.reason).toBe('end_turn');
    const result = toolResultsIn(bodyOf(server.requests[1]!).messages.at(-1))[0];
    expect(result).toMatchObject({ is_error: true, content: expect.stringMatching(/not valid JSON.*Expected input: Write/) });
  });

  it('an unknown tool name gets an is_error result', async () => {
    const workspace = await makeTree();
    const scriptsDir = await makeScripts({ T001: [{ tools: [{ Read: { file_path: 'x' } }] }, { text: 'ok' }] });
    const server = await startServer({ scriptsDir, faults: { rules: [{ unknownTool: 'WebFetch' }] } });
    expect((await makeSession(server, workspace).run('go')).reason).toBe('end_turn');
    const result = toolResultsIn(bodyOf(server.requests[1]!).messages.at(-1))[0];
    expect(result).toMatchObject({ is_error: true, content: expect.stringMatching(/Unknown tool "WebFetch"/) });
  });

  it('an abort in the middle of a request ends quickly with reason aborted', async () => {
    const workspace = await makeTree();
    const server = await startServer({ scriptsDir: await makeScripts({ T001: [{ text: 'slow' }] }), faults: { rules: [{ delayMs: 10_000 }] } });
    const controller = new AbortController();
    const session = makeSession(server, workspace, { signal: controller.signal });
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const outcome = await session.run('go');
    expect(outcome.reason).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('shares the cached system prefix across sessions and reads the conversation from cache', async () => {
    const workspace = await makeTree({ 'a.txt': 'a' });
    const scriptsDir = await makeScripts({
      T001: [{ tools: [{ Read: { file_path: 'a.txt' } }] }, { tools: [{ Read: { file_path: 'a.txt' } }] }, { text: 'done' }],
      T002: [{ text: 'done too' }],
    });
    const server = await startServer({ scriptsDir });
    const first: TurnRecord[] = [];
    await makeSession(server, workspace, { onTurn: (t) => void first.push(t), agent: makeAgent({ prompt: 'Agent A' }) }).run('task one');
    expect(first[0]?.usage.cacheReadInputTokens).toBe(0);
    expect(first[0]?.usage.cacheCreationInputTokens).toBeGreaterThan(1000);
    // Later turns of the same session read the earlier conversation from the cache.
    // Turn 2 reads exactly the prefix turn 1 wrote (everything up to the first user message).
    expect(first[1]?.usage.cacheReadInputTokens).toBe(first[0]!.usage.cacheCreationInputTokens);
    expect(first[1]?.usage.cacheCreationInputTokens).toBeGreaterThan(0);
    expect(first[2]?.usage.cacheReadInputTokens).toBeGreaterThan(first[1]!.usage.cacheReadInputTokens);

    const second: TurnRecord[] = [];
    await makeSession(server, workspace, {
      taskId: 'T002',
      task: makeTask({ id: 'T002' }),
      agent: makeAgent({ prompt: 'Agent B, different' }),
      onTurn: (t) => void second.push(t),
    }).run('task two');
    // Tools and the shared context are the same, so the second session reads them from the cache.
    expect(second[0]?.usage.cacheReadInputTokens).toBeGreaterThan(1000);
  });

  it('buildTaskMessage puts the prompt, the allowed outputs and the needed files in one message', () => {
    const message = buildTaskMessage(makeTask({ prompt: 'Write the model.', outputs: ['out/*.py'] }), [{ path: 'configs/a.pbtxt', content: 'name: "a"\n' }]);
    expect(message).toContain('# Task T001: A test task');
    expect(message).toContain('Write the model.');
    expect(message).toContain('out/*.py');
    expect(message).toContain('<file path="configs/a.pbtxt">\nname: "a"\n</file>');
  });
});
