import { describe, expect, it } from 'vitest';
import type { TurnRecord } from '../../src/agent/types.js';
import { conversationFromTurns } from '../../src/pipeline/resume/resumePoint.js';

const usage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

function turn(n: number, kind: 'tools' | 'end', prompt?: string): TurnRecord {
  const id = `toolu_${n}`;
  return {
    task: 'T1',
    turn: n,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.000Z',
    model: 'm',
    stopReason: kind === 'tools' ? 'tool_use' : 'end_turn',
    ...(prompt ? { prompt } : {}),
    assistant:
      kind === 'tools'
        ? [{ type: 'tool_use', id, name: 'Read', input: { file_path: 'a' } } as TurnRecord['assistant'][number]]
        : [{ type: 'text', text: `done ${n}`, citations: null } as TurnRecord['assistant'][number]],
    toolResults: kind === 'tools' ? [{ type: 'tool_result', tool_use_id: id, content: 'ok' }] : [],
    usage,
    retries: 0,
  };
}

describe('conversationFromTurns', () => {
  it('restarts (undefined) when no turn is complete', () => {
    expect(conversationFromTurns('task', [])).toBeUndefined();
  });

  it('keeps every turn whose tool results were recorded', () => {
    const history = conversationFromTurns('task', [turn(1, 'tools', 'task'), turn(2, 'tools')]);
    expect(history?.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
  });

  it('keeps a finished answer, so the model is not asked the same turn again', () => {
    const history = conversationFromTurns('task', [turn(1, 'tools', 'task'), turn(2, 'end')]);
    expect(history?.at(-1)?.role).toBe('assistant');
    expect(history).toHaveLength(4);
  });

  it('continues through a recorded repair prompt, and stops at a gap without one', () => {
    const repaired = conversationFromTurns('task', [turn(1, 'tools', 'task'), turn(2, 'end'), turn(3, 'tools', 'Verification failed: fix it'), turn(4, 'end')]);
    expect(repaired?.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(repaired?.[4]).toEqual({ role: 'user', content: 'Verification failed: fix it' });

    const gap = conversationFromTurns('task', [turn(1, 'tools', 'task'), turn(2, 'end'), turn(3, 'tools')]);
    expect(gap).toHaveLength(4);
  });
});
