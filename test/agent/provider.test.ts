import Anthropic from '@anthropic-ai/sdk';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentSession } from '../../src/agent/session.js';
import { createProvider } from '../../src/agent/providers/provider.js';
import { MODEL_ALIASES, resolveModel } from '../../src/agent/models.js';
import type { TransientFailure, TurnRecord } from '../../src/agent/types.js';
import { UserError } from '../../src/errors.js';
import { redactSecrets, scrubEnv } from '../../src/util/secrets.js';
import { makeAgent, makeScripts, makeTask, makeTree, SHARED_CONTEXT, startServer } from './helpers.js';

const FAKE_KEY = 'sk-ant-test-SECRET123';

describe('createProvider', () => {
  it('defaults to scripted without a key, and says how to switch', async () => {
    const provider = await createProvider({ env: {}, scriptsDir: await makeTree(), goldenDir: await makeTree() });
    try {
      expect(provider.kind).toBe('scripted');
      expect(provider.describe()).toMatch(/scripted \(offline, no ANTHROPIC_API_KEY is set\).*127\.0\.0\.1.*the anthropic provider/);
    } finally {
      await provider.close();
    }
  });

  it('defaults to anthropic with a key, without ever printing the key', async () => {
    const provider = await createProvider({ env: { ANTHROPIC_API_KEY: FAKE_KEY }, scriptsDir: '', goldenDir: '' });
    expect(provider.kind).toBe('anthropic');
    expect(provider.describe()).toMatch(/anthropic .*The scripted provider replays/);
    expect(provider.describe()).not.toContain('SECRET123');
  });

  it('refuses --provider anthropic without a key', async () => {
    await expect(createProvider({ kind: 'anthropic', env: {}, scriptsDir: '', goldenDir: '' })).rejects.toBeInstanceOf(UserError);
  });

  it('a scripted session writes a golden file into the workspace through the real SDK over HTTP', async () => {
    const golden = await makeTree({ 'triton_models/dit/1/model.py': 'import triton_python_backend_utils as pb_utils\n' });
    const scriptsDir = await makeScripts({
      T013: [
        { text: 'Writing the model.', tools: [{ Write: { file_path: 'triton_models/dit/1/model.py', content_file: 'triton_models/dit/1/model.py' } }] },
        { tools: [{ Bash: { command: 'test -s triton_models/dit/1/model.py && echo present', timeout: 30 } }] },
        { text: 'The model is written.' },
      ],
    });
    const workspace = await makeTree();
    const provider = await createProvider({ kind: 'scripted', env: {}, scriptsDir, goldenDir: golden, maxRetries: 0, recordRequests: true });
    try {
      const turns: TurnRecord[] = [];
      const session = new AgentSession({
        client: provider.client('T013'),
        model: resolveModel({ defaults: 'sonnet' }),
        agent: makeAgent(),
        task: makeTask({ id: 'T013', outputs: ['triton_models/dit/1/model.py'] }),
        workspaceDir: workspace,
        sharedContext: SHARED_CONTEXT,
        maxTurns: 10,
        onTurn: (t) => void turns.push(t),
      });
      const outcome = await session.run('Implement the DiT model.');
      expect(outcome).toMatchObject({ reason: 'end_turn', message: 'The model is written.', turns: 3 });
      expect(await readFile(path.join(workspace, 'triton_models/dit/1/model.py'), 'utf8')).toBe('import triton_python_backend_utils as pb_utils\n');
      expect(turns[1]?.toolResults[0]).toMatchObject({ content: 'present' });
      expect(provider.server?.requests[0]?.headers.authorization).toBe('***');
      expect((provider.server?.requests[0]?.body as { model: string } | undefined)?.model).toBe('claude-sonnet-5-5');
    } finally {
      await provider.close();
    }
  });
  it('keeps no request log unless asked: a long run would hold every request it served', async () => {
    const scriptsDir = await makeScripts({ T1: [{ text: 'done' }] });
    const provider = await createProvider({ kind: 'scripted', env: {}, scriptsDir, goldenDir: scriptsDir, maxRetries: 0 });
    try {
      const reply = await provider.client('T1').messages.create({ model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'go' }] });
      expect(reply.content).toMatchObject([{ type: 'text', text: 'done' }]);
      expect(provider.server?.requests).toEqual([]);
    } finally {
      await provider.close();
    }
  });
  it("sessions of one provider share its client, and every request names its session's task", async () => {
    const scriptsDir = await makeScripts({
      T1: [{ tools: [{ Write: { file_path: 'out/one.txt', content: 'one' } }] }, { text: 'one done' }],
      T2: [{ tools: [{ Write: { file_path: 'out/two.txt', content: 'two' } }] }, { text: 'two done' }],
    });
    const workspace = await makeTree();
    const provider = await createProvider({ kind: 'scripted', env: {}, scriptsDir, goldenDir: scriptsDir, maxRetries: 0, recordRequests: true });
    try {
      const open = (id: string) =>
        provider.session({
          model: 'claude-sonnet-5-5',
          agent: makeAgent(),
          task: makeTask({ id, outputs: ['out/**'] }),
          workspaceDir: workspace,
          sharedContext: 'ctx',
          maxTurns: 4,
        });
      // Side by side, so the two conversations' requests interleave on the one client.
      const outcomes = await Promise.all([open('T1').run('go'), open('T2').run('go')]);
      expect(outcomes.map((o) => o.message)).toEqual(['one done', 'two done']);
      const tasks = provider.server?.requests.map((r) => r.headers['x-flux-triton-task']).sort();
      expect(tasks).toEqual(['T1', 'T1', 'T2', 'T2']);
      expect(await readFile(path.join(workspace, 'out/two.txt'), 'utf8')).toBe('two');
      // Provider.client(task) still gives a client that tags its requests with the task.
      const tagged = provider.client('T1');
      expect(tagged).toBeInstanceOf(Anthropic);
    } finally {
      await provider.close();
    }
  });
});

describe('secrets', () => {
  it('never lets the API key reach turns, tool output or errors', async () => {
    const previous = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = FAKE_KEY;
    try {
      const workspace = await makeTree({ 'leak.txt': `the key is ${FAKE_KEY}\n` });
      const scriptsDir = await makeScripts({
        T001: [
          { tools: [{ Bash: { command: 'env; echo "key=$ANTHROPIC_API_KEY"' } }, { Read: { file_path: 'leak.txt' } }, { Grep: { pattern: 'key' } }] },
          { text: 'done' },
        ],
      });
      const server = await startServer({
        scriptsDir,
        faults: {
          rules: [
            { turn: 2, status: 500, times: 1 },
            { turn: 2, status: 401 },
          ],
        },
      });
      const provider = await createProvider({
        env: { ANTHROPIC_API_KEY: FAKE_KEY, ANTHROPIC_BASE_URL: server.url },
        scriptsDir,
        goldenDir: scriptsDir,
        maxRetries: 0,
      });
      expect(provider.kind).toBe('anthropic');
      const turns: TurnRecord[] = [];
      const failures: TransientFailure[] = [];
      const session = new AgentSession({
        client: provider.client('T001'),
        model: 'claude-sonnet-5-5',
        agent: makeAgent(),
        task: makeTask(),
        workspaceDir: workspace,
        sharedContext: 'ctx',
        maxTurns: 5,
        onTurn: (t) => void turns.push(t),
        onTransientFailure: (f) => void failures.push(f),
        wait: async () => {},
      });
      const outcome = await session.run('go');
      expect(outcome.reason).toBe('error');
      expect(outcome.message).toMatch(/401/);
      const everything = JSON.stringify({ turns, failures, outcome, messages: session.messages, requests: server.requests });
      expect(everything).not.toContain('SECRET123');
      const bashOutput = String(turns[0]?.toolResults[0]?.content);
      expect(bashOutput).toMatch(/^key=$/m);
      expect(bashOutput).not.toMatch(/^ANTHROPIC_/m);
      expect(String(turns[0]?.toolResults[1]?.content)).toContain('the key is [REDACTED]');
    } finally {
      if (previous === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = previous;
    }
  });

  it('scrubEnv drops ANTHROPIC_* and secret-looking names; redactSecrets replaces their values', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/u',
      ANTHROPIC_BASE_URL: 'http://x',
      ANTHROPIC_API_KEY: FAKE_KEY,
      GITHUB_TOKEN: 'ghp_abcdef123456',
      DB_PASSWORD: 'hunter2hunter2',
      AWS_SECRET_ACCESS_KEY: 'awssecretvalue',
      MY_CREDENTIALS: 'credvalue123',
      BASIC_AUTH: 'user:passw0rd',
    };
    expect(scrubEnv(env)).toEqual({ PATH: '/usr/bin', HOME: '/home/u' });
    const text = `token ghp_abcdef123456, pw hunter2hunter2, key ${FAKE_KEY}, other sk-ant-api03-XYZ_abc-123, path /usr/bin`;
    expect(redactSecrets(text, env)).toBe('token [REDACTED], pw [REDACTED], key [REDACTED], other [REDACTED], path /usr/bin');
  });
});

describe('resolveModel', () => {
  it('CLI beats task beats agent beats defaults, and expands aliases', () => {
    expect(MODEL_ALIASES).toEqual({ opus: 'claude-opus-5-5', sonnet: 'claude-sonnet-5-5', haiku: 'claude-haiku-5-5' });
    expect(resolveModel({ cli: 'opus', task: 'haiku', agent: 'sonnet', defaults: 'sonnet' })).toBe('claude-opus-5-5');
    expect(resolveModel({ task: 'haiku', agent: 'opus', defaults: 'sonnet' })).toBe('claude-haiku-5-5');
    expect(resolveModel({ agent: 'opus', defaults: 'sonnet' })).toBe('claude-opus-5-5');
    expect(resolveModel({ defaults: 'sonnet' })).toBe('claude-sonnet-5-5');
    expect(resolveModel({ agent: 'claude-sonnet-4-6', defaults: 'sonnet' })).toBe('claude-sonnet-4-6');
    expect(resolveModel({ cli: '', agent: 'haiku', defaults: 'sonnet' })).toBe('claude-haiku-5-5');
  });
});
