import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRunState, reduceRunState, type RunState } from '../../src/events/index.js';
import { UserError } from '../../src/errors.js';
import { at, RUN_ID, sampleRunEvents } from './fixtures/sampleRun.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

const reduceAll = (): RunState => {
  let state: RunState | undefined;
  for (const event of sampleRunEvents()) state = deepFreeze(reduceRunState(state, event));
  return state as RunState;
};

describe('reduceRunState', () => {
  it('builds the run state from a realistic event sequence without mutating its input', () => {
    const state = reduceAll();
    expect(state).toMatchObject({
      schemaVersion: 1,
      runId: RUN_ID,
      graphName: 'flux-to-triton',
      provider: 'scripted',
      status: 'failed',
      startedAt: at(0),
      endedAt: at(21),
    });
    expect(state.phases).toEqual([
      { id: 'configs', title: 'Triton configs', startedAt: at(0), endedAt: at(6), costUsd: 0 },
      { id: 'models', title: 'Model implementations', startedAt: at(6), endedAt: at(14), costUsd: 0 },
      { id: 'tests', title: 'Tests', startedAt: at(14), endedAt: at(20), costUsd: 0 },
    ]);
    expect(Object.keys(state.tasks)).toEqual(['T006', 'T007', 'T011', 'T012', 'T015', 'T003']);
    expect(Object.fromEntries(Object.values(state.tasks).map((t) => [t.id, t.state]))).toEqual({
      T006: 'succeeded',
      T007: 'cached',
      T011: 'succeeded',
      T012: 'failed',
      T015: 'blocked',
      T003: 'succeeded',
    });

    const t006 = state.tasks.T006!;
    expect(t006).toMatchObject({ startedAt: at(1), endedAt: at(6), turns: 2, retries: 1, model: 'claude-sonnet-4-5' });
    // Summed from the two turns; the task:usage total is not added a second time.
    expect(t006.usage).toEqual({ inputTokens: 1400, outputTokens: 350, cacheCreationInputTokens: 5000, cacheReadInputTokens: 5000 });
    expect(t006.commit?.files).toEqual(['triton_models/text_encoder/config.pbtxt']);

    const t011 = state.tasks.T011!;
    expect(t011.verify.map((a) => a.passed)).toEqual([false, true]);
    expect(t011.reason).toBeUndefined();
    expect(state.tasks.T012).toMatchObject({ state: 'failed', reason: 'session ended: max_turns', endedAt: at(14) });
    expect(state.tasks.T015).toMatchObject({ state: 'blocked', reason: 'needs T012 (failed)', turns: 0 });
    expect(state.tasks.T015!.startedAt).toBeUndefined();
    expect(state.tasks.T007).toMatchObject({ state: 'cached', endedAt: at(0) });
    expect(state.notices.map((n) => n.level)).toEqual(['info', 'warn', 'warn']);
  });

  it('clears endedAt and reason when a finished task runs again', () => {
    let state = reduceAll();
    state = reduceRunState(state, { type: 'task:state', at: at(30), task: 'T012', state: 'running', previous: 'failed' });
    expect(state.tasks.T012!.endedAt).toBeUndefined();
    expect(state.tasks.T012!.reason).toBeUndefined();
    expect(state.tasks.T012!.startedAt).toBe(at(7));
  });

  it('records a task that run:start did not list, and refuses events before run:start', () => {
    const state = reduceRunState(reduceAll(), { type: 'task:state', at: at(1), task: 'T099', state: 'running', previous: 'pending' });
    expect(state.tasks.T099).toMatchObject({ id: 'T099', state: 'running' });
    expect(() => reduceRunState(undefined, { type: 'phase:end', at: at(1), phase: 'x' })).toThrow(/before 'run:start'/);
  });
});

describe('readRunState', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ft-state-'));

  it('reads back a state it wrote', async () => {
    const file = path.join(dir, 'ok.json');
    const state = reduceAll();
    writeFileSync(file, JSON.stringify(state));
    expect(await readRunState(file)).toEqual(state);
  });

  it('rejects an unknown schemaVersion with a clear error', async () => {
    const file = path.join(dir, 'v2.json');
    writeFileSync(file, JSON.stringify({ ...reduceAll(), schemaVersion: 2 }));
    const error = await readRunState(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/schemaVersion 2; this flux-triton reads version 1/);
  });

  it('names what is damaged', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, phases: [] }));
    await expect(readRunState(file)).rejects.toThrow(/runId is missing/);
    writeFileSync(file, '{"schemaVersion": 1, "runId": ');
    await expect(readRunState(file)).rejects.toThrow(/not valid JSON/);
  });
});
