// runTask reports a task's usage through one meter settled in a `finally`: it must sum
// every turn, and report once however many exit paths call settle().
import { describe, expect, it } from 'vitest';
import type { Usage } from '../../src/agent/types.js';
import type { RunEvent } from '../../src/events/types.js';
import { UsageMeter } from '../../src/pipeline/task/usageMeter.js';

const turn = (inputTokens: number, outputTokens: number): Usage => ({ inputTokens, outputTokens, cacheCreationInputTokens: 1, cacheReadInputTokens: 2 });

describe('UsageMeter', () => {
  it('sums turns and emits task:usage exactly once', () => {
    const events: RunEvent[] = [];
    const meter = new UsageMeter(
      't1',
      'claude-x',
      (e) => events.push(e),
      () => new Date(0),
    );
    meter.add(turn(10, 5));
    meter.add(turn(20, 7));
    expect(meter.totalTokens).toBe(10 + 5 + 20 + 7 + 2 * 3);
    meter.settle();
    meter.settle();
    expect(events).toEqual([
      {
        type: 'task:usage',
        at: '1970-01-01T00:00:00.000Z',
        task: 't1',
        model: 'claude-x',
        usage: { inputTokens: 30, outputTokens: 12, cacheCreationInputTokens: 2, cacheReadInputTokens: 4 },
      },
    ]);
  });
});
