import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFaultPlan } from '../../src/agent/scripted/faults.js';
import { latencyFor, parseLatencyOption } from '../../src/agent/scripted/latency.js';
import { PromptCache } from '../../src/agent/scripted/promptCache.js';
import { TASK_HEADER } from '../../src/agent/scripted/server.js';
import { UserError } from '../../src/errors.js';
import { makeScripts, makeTree, scriptedClient, startServer } from './helpers.js';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const minimal = {
  model: 'claude-sonnet-5-5',
  max_tokens: 100,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

describe('scripted Messages API server', () => {
  it('answers JSON and SSE with the script turn, usage and request-id', async () => {
    const golden = await makeTree({ 'g/model.py': 'GOLDEN\n' });
    const server = await startServer({
      scriptsDir: await makeScripts({ T1: [{ text: 'Hello there.', tools: [{ Write: { file_path: 'a.py', content_file: 'g/model.py' } }] }] }),
      goldenDir: golden,
    });
    const client = scriptedClient(server, 'T1');
    const message = await client.messages.create(minimal);
    expect(message).toMatchObject({
      role: 'assistant',
      stop_reason: 'tool_use',
      content: [
        { type: 'text', text: 'Hello there.' },
        { type: 'tool_use', id: 'toolu_T1_1_1', name: 'Write', input: { file_path: 'a.py', content: 'GOLDEN\n' } },
      ],
    });
    expect(message.usage.output_tokens).toBeGreaterThan(0);

    const events: string[] = [];
    const stream = client.messages.stream(minimal);
    stream.on('streamEvent', (event) => events.push(event.type));
    const streamed = await stream.finalMessage();
    expect(streamed.content).toEqual(message.content);
    expect(events[0]).toBe('message_start');
    expect(events.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(events.filter((e) => e === 'content_block_delta').length).toBeGreaterThan(2);

    const raw = await post(`${server.url}/v1/messages`, { ...minimal, stream: true }, { [TASK_HEADER]: 'T1' });
    expect(raw.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(raw.headers.get('request-id')).toMatch(/^req_scripted_/);
    const text = await raw.text();
    expect(text).toMatch(/^event: message_start\ndata: /);
    expect(text).toContain('"type":"input_json_delta"');
  });

  it("keeps the requests it served only when asked to (a run's provider does not: they would grow with every task)", async () => {
    const scripts = { T1: [{ text: 'one' }] };
    const recording = await startServer({ scriptsDir: await makeScripts(scripts) });
    const quiet = await startServer({ scriptsDir: await makeScripts(scripts), recordRequests: false });
    for (const server of [recording, quiet]) {
      const reply = await scriptedClient(server, 'T1').messages.create(minimal);
      expect(reply.content).toEqual([{ type: 'text', text: 'one', citations: null }]);
    }
    expect(recording.requests.map((r) => r.task)).toEqual(['T1']);
    expect(quiet.requests).toEqual([]);
  });

  it('gives proper error bodies: 404, malformed body naming the field, missing header, missing script', async () => {
    const scriptsDir = await makeScripts({});
    const server = await startServer({ scriptsDir });
    const notFound = await post(`${server.url}/v1/complete`, minimal);
    expect(notFound.status).toBe(404);
    const body = (await notFound.json()) as { type: string; error: { type: string }; request_id: string };
    expect(body).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(notFound.headers.get('request-id')).toBe(body.request_id);

    for (const [field, broken] of [
      ['model', { ...minimal, model: undefined }],
      ['max_tokens', { ...minimal, max_tokens: undefined }],
      ['messages', { ...minimal, messages: undefined }],
    ] as const) {
      const response = await post(`${server.url}/v1/messages`, broken, { [TASK_HEADER]: 'T1' });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', message: `${field}: Field required` } });
    }
    const notJson = await post(`${server.url}/v1/messages`, '{nope', { [TASK_HEADER]: 'T1' });
    expect(notJson.status).toBe(400);

    const noHeader = await post(`${server.url}/v1/messages`, minimal);
    expect(((await noHeader.json()) as { error: { message: string } }).error.message).toMatch(/Missing the x-flux-triton-task header/);
    const noScript = await post(`${server.url}/v1/messages`, minimal, { [TASK_HEADER]: 'T9' });
    expect(((await noScript.json()) as { error: { message: string } }).error.message).toBe(
      `No script for task T9: looked for ${path.join(scriptsDir, 'T9.yaml')}.`,
    );
    // Scripts are read synchronously: anything but a regular file is refused, never read (a FIFO would block).
    execFileSync('mkfifo', [path.join(scriptsDir, 'T8.yaml')]);
    const fifo = await post(`${server.url}/v1/messages`, minimal, { [TASK_HEADER]: 'T8' });
    expect(((await fifo.json()) as { error: { message: string } }).error.message).toBe(
      `${path.join(scriptsDir, 'T8.yaml')} is not a regular file; a script is a YAML file.`,
    );
  });

  it('refuses requests the real API refuses: unanswered tool_use, more than 4 cache marks', async () => {
    const server = await startServer({ scriptsDir: await makeScripts({ T1: [{ text: 'x' }, { text: 'y' }] }) });
    const client = scriptedClient(server, 'T1');
    await expect(
      client.messages.create({
        ...minimal,
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: {} }] },
          { role: 'user', content: 'no result' },
        ],
      }),
    ).rejects.toThrow(/tool_use` ids were found without `tool_result` blocks immediately after: toolu_1/);
    const mark = { type: 'ephemeral' } as const;
    await expect(
      client.messages.create({
        ...minimal,
        system: [1, 2, 3, 4, 5].map((n) => ({ type: 'text' as const, text: `s${n}`, cache_control: mark })),
      }),
    ).rejects.toThrow(/A maximum of 4 blocks with cache_control may be provided. Found 5/);
  });

  it('counts tokens', async () => {
    const server = await startServer({ scriptsDir: await makeScripts({}) });
    const counted = await scriptedClient(server, 'T1').messages.countTokens({ model: 'claude-sonnet-5-5', messages: minimal.messages });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  it('refuses *_file paths that escape the golden directory', async () => {
    const server = await startServer({
      scriptsDir: await makeScripts({ T1: [{ tools: [{ Write: { file_path: 'a', content_file: '../../etc/passwd' } }] }] }),
    });
    await expect(scriptedClient(server, 'T1').messages.create(minimal)).rejects.toThrow(/leads outside the golden directory/);
  });

  it('plays the turn given by the number of assistant messages (stateless)', async () => {
    const server = await startServer({ scriptsDir: await makeScripts({ T1: [{ text: 'first' }, { text: 'second' }] }) });
    const reply = await scriptedClient(server, 'T1').messages.create({
      ...minimal,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'first' },
        { role: 'user', content: 'b' },
      ],
    });
    expect(reply.content).toMatchObject([{ type: 'text', text: 'second' }]);
    expect(server.requests[0]?.turn).toBe(2);
  });
});

describe('prompt cache accounting', () => {
  const tools = [{ name: 'Read', input_schema: { type: 'object' } }];
  const mark = { type: 'ephemeral' };
  const system = (agent: string) => [
    { type: 'text', text: 'shared '.repeat(100), cache_control: mark },
    { type: 'text', text: agent },
  ];

  it('reads the longest previously seen breakpoint prefix and writes the rest', () => {
    const cache = new PromptCache();
    const first = cache.account({
      model: 'm',
      tools,
      system: system('A'),
      messages: [{ role: 'user', content: [{ type: 'text', text: 'u1', cache_control: mark }] }],
    });
    expect(first.cache_read_input_tokens).toBe(0);
    expect(first.cache_creation_input_tokens).toBeGreaterThan(150);
    expect(first.input_tokens).toBe(0);

    // Another agent: same tools and shared context, so that part is read.
    const other = cache.account({ model: 'm', tools, system: system('B'), messages: [{ role: 'user', content: 'u1' }] });
    expect(other.cache_read_input_tokens).toBeGreaterThan(150);
    expect(other.cache_creation_input_tokens).toBe(0);
    expect(other.input_tokens).toBeGreaterThan(0);

    // A different model shares nothing.
    expect(cache.account({ model: 'other', tools, system: system('A'), messages: [{ role: 'user', content: 'u1' }] }).cache_read_input_tokens).toBe(0);
  });

  it('is off when asked', () => {
    const cache = new PromptCache({ promptCache: false });
    const request = { model: 'm', tools, system: system('A'), messages: [{ role: 'user', content: 'u' }] };
    cache.account(request);
    expect(cache.account(request)).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });
});

describe('fault and latency plans', () => {
  it('loads a fault plan from YAML and rejects bad ones with the field', async () => {
    const dir = await makeTree({
      'faults.yaml': 'rules:\n  - { task: T013, turn: 2, status: 529, retryAfter: 1, times: 3 }\n',
      'bad.json': '{"rules":[{"status":"often"}]}',
    });
    expect(await loadFaultPlan(path.join(dir, 'faults.yaml'))).toEqual({
      rules: [{ task: 'T013', turn: 2, status: 529, retryAfter: 1, times: 3 }],
    });
    await expect(loadFaultPlan(path.join(dir, 'bad.json'))).rejects.toThrow(/rules\.0\.status/);
    await expect(loadFaultPlan(path.join(dir, 'missing.yaml'))).rejects.toBeInstanceOf(UserError);
  });

  it('parses --scripted-latency as milliseconds or a file, with deterministic jitter', async () => {
    expect(await parseLatencyOption('250')).toEqual({ defaultMs: 250 });
    const dir = await makeTree();
    const file = path.join(dir, 'latency.json');
    await writeFile(file, JSON.stringify({ defaultMs: 100, jitterMs: 50, perTask: { T013: 400 }, seed: 7 }));
    const plan = await parseLatencyOption(file);
    expect(latencyFor(plan, 'T013', 1)).toBeGreaterThanOrEqual(400);
    const a = latencyFor(plan, 'T001', 1);
    expect(a).toBe(latencyFor(plan, 'T001', 1));
    expect(a).toBeGreaterThanOrEqual(100);
    expect(a).toBeLessThanOrEqual(150);
    const spread = new Set(Array.from({ length: 20 }, (_, turn) => latencyFor(plan, 'T001', turn)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('applies latency to responses', async () => {
    const server = await startServer({ scriptsDir: await makeScripts({ T1: [{ text: 'x' }] }), latency: { perTask: { T1: 300 } } });
    const started = Date.now();
    await scriptedClient(server, 'T1').messages.create(minimal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });
});
