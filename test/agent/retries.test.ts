import { describe, expect, it } from 'vitest';
import type { TransientFailure, TurnRecord } from '../../src/agent/types.js';
import { retryAfterFromHeaders, turnRetryWaitMs } from '../../src/agent/retryPolicy.js';
import { makeScripts, makeSession, makeTree, startServer } from './helpers.js';

const simpleScript = { T001: [{ tools: [{ Glob: { pattern: '*' } }] }, { text: 'done' }] };

describe('retries', () => {
  it.each([429, 529])('the SDK retries %i itself, honouring retry-after-ms', async (status) => {
    const server = await startServer({
      scriptsDir: await makeScripts(simpleScript),
      faults: { rules: [{ task: 'T001', turn: 1, status, retryAfter: 1, retryAfterMs: 20, times: 2 }] },
    });
    const failures: TransientFailure[] = [];
    const session = makeSession(server, await makeTree(), { maxRetries: 2, onTransientFailure: (f) => void failures.push(f) });
    const started = Date.now();
    const outcome = await session.run('go');
    expect(outcome.reason).toBe('end_turn');
    // retry-after-ms (20 ms) wins over retry-after (1 s).
    expect(Date.now() - started).toBeLessThan(900);
    const firstTurn = server.requests.filter((r) => r.turn === 1);
    expect(firstTurn.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1', '2']);
    expect(server.faults[0]).toMatchObject({ applied: 2, matched: 3 });
    expect(failures).toEqual([]);
  });

  it('the SDK honours retry-after in seconds', async () => {
    const server = await startServer({
      scriptsDir: await makeScripts(simpleScript),
      faults: { rules: [{ turn: 1, status: 429, retryAfter: 1 }] },
    });
    const started = Date.now();
    expect((await makeSession(server, await makeTree(), { maxRetries: 1 }).run('go')).reason).toBe('end_turn');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests.filter((r) => r.turn === 1)).toHaveLength(2);
  });

  it('retries the same turn when failures outlast the SDK retries, then succeeds', async () => {
    const server = await startServer({
      scriptsDir: await makeScripts(simpleScript),
      faults: { rules: [{ turn: 2, status: 529, retryAfterMs: 1, times: 4 }] },
    });
    const failures: TransientFailure[] = [];
    const waits: number[] = [];
    const turns: TurnRecord[] = [];
    const session = makeSession(server, await makeTree(), {
      maxRetries: 1,
      onTransientFailure: (f) => void failures.push(f),
      onTurn: (t) => void turns.push(t),
      wait: async (ms) => void waits.push(ms),
    });
    const outcome = await session.run('go');
    expect(outcome.reason).toBe('end_turn');
    // 2 SDK attempts per session attempt: 529, 529 | 529, 529 | ok.
    expect(server.requests.filter((r) => r.turn === 2)).toHaveLength(5);
    expect(failures.map((f) => [f.turn, f.status, f.attempt])).toEqual([
      [2, 529, 1],
      [2, 529, 2],
    ]);
    expect(failures[0]?.message).toMatch(/API error 529 overloaded_error: Injected fault/);
    // retry-after-ms from the error is honoured by the session's own wait too.
    expect(waits).toEqual([1, 1]);
    expect(turns.map((t) => [t.turn, t.retries])).toEqual([
      [1, 0],
      [2, 2],
    ]);
  });

  it('gives up with reason error after turnRetries, naming the status', async () => {
    const server = await startServer({
      scriptsDir: await makeScripts(simpleScript),
      faults: { rules: [{ turn: 1, status: 503, times: 100 }] },
    });
    const waits: number[] = [];
    const outcome = await makeSession(server, await makeTree(), { turnRetries: 2, wait: async (ms) => void waits.push(ms) }).run('go');
    expect(outcome.reason).toBe('error');
    expect(outcome.message).toMatch(/API error 503 api_error: Injected fault.*giving up after 2 turn retries/);
    expect(server.requests).toHaveLength(3);
    // Without retry-after: exponential backoff from 1 s.
    expect(waits).toEqual([1000, 2000]);
  });

  it('recovers from a stream cut in the middle', async () => {
    const workspace = await makeTree();
    const server = await startServer({
      scriptsDir: await makeScripts({ T001: [{ text: 'A reply long enough to be cut in the middle of its deltas.' }] }),
      faults: { rules: [{ turn: 1, cutAfterEvents: 4 }] },
    });
    const failures: TransientFailure[] = [];
    const outcome = await makeSession(server, workspace, { onTransientFailure: (f) => void failures.push(f) }).run('go');
    expect(outcome).toMatchObject({ reason: 'end_turn', message: 'A reply long enough to be cut in the middle of its deltas.' });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toMatch(/cut|connection|message_stop/);
    expect(server.requests).toHaveLength(2);
  });

  it('retries an overloaded_error event inside the stream, but not an invalid_request_error one', async () => {
    const scriptsDir = await makeScripts({ T001: [{ text: 'ok' }] });
    const overloaded = await startServer({ scriptsDir, faults: { rules: [{ streamErrorType: 'overloaded_error' }] } });
    expect((await makeSession(overloaded, await makeTree()).run('go')).reason).toBe('end_turn');
    expect(overloaded.requests).toHaveLength(2);

    const invalid = await startServer({ scriptsDir, faults: { rules: [{ streamErrorType: 'invalid_request_error' }] } });
    const outcome = await makeSession(invalid, await makeTree()).run('go');
    expect(outcome.reason).toBe('error');
    expect(outcome.message).toMatch(/API stream error invalid_request_error: Injected stream error/);
    expect(invalid.requests).toHaveLength(1);
  });

  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
  ])('ends at once on %i, with the status and the API message', async (status, type) => {
    const server = await startServer({ scriptsDir: await makeScripts(simpleScript), faults: { rules: [{ status }] } });
    const outcome = await makeSession(server, await makeTree(), { maxRetries: 2 }).run('go');
    expect(outcome.reason).toBe('error');
    expect(outcome.message).toMatch(new RegExp(`API error ${status} ${type}: Injected fault: ${status} ${type} \\(request req_scripted_`));
    expect(server.requests).toHaveLength(1);
  });

  it('a missing script is a clear 400 naming the file', async () => {
    const scriptsDir = await makeScripts({});
    const server = await startServer({ scriptsDir });
    const outcome = await makeSession(server, await makeTree(), { taskId: 'T404' }).run('go');
    expect(outcome.reason).toBe('error');
    expect(outcome.message).toContain(`No script for task T404: looked for ${scriptsDir}/T404.yaml`);
  });

  it('turn retry waits: retry-after first, else exponential, capped at 30 s', () => {
    expect(turnRetryWaitMs(1, undefined)).toBe(1000);
    expect(turnRetryWaitMs(3, undefined)).toBe(4000);
    expect(turnRetryWaitMs(10, undefined)).toBe(30_000);
    expect(turnRetryWaitMs(1, 120_000)).toBe(30_000);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
  });
});
