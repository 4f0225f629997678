import { describe, expect, it } from 'vitest';
import { applyRunEvent, reduceRunState, type RunEvent, type RunState, type TaskRecord } from '../../src/events/index.js';
import { at, sampleRunEvents } from './fixtures/sampleRun.js';

// Events the sample run lacks, so every branch of the reducer is compared.
const extra: RunEvent[] = [
  { type: 'task:cost', at: at(22), task: 'T006', turn: 1, model: 'claude-sonnet-4-5', costUsd: 0.25 },
  { type: 'task:cost', at: at(22), task: 'T099', turn: 1, model: 'claude-sonnet-4-5', costUsd: 0.5 },
  { type: 'run:notice', at: at(23), level: 'warn', message: 'late notice', task: 'T003' },
];

describe('applyRunEvent (in place)', () => {
  it('reaches exactly the state the pure reducer reaches, event by event', () => {
    let pure: RunState | undefined;
    let owned: RunState | undefined;
    for (const event of [...sampleRunEvents(), ...extra]) {
      pure = reduceRunState(pure, event);
      owned = applyRunEvent(owned, event);
      expect(JSON.parse(JSON.stringify(owned))).toEqual(JSON.parse(JSON.stringify(pure)));
    }
    expect(owned!.tasks.T099).toMatchObject({ id: 'T099', costUsd: 0.5 });
  });

  it('keeps the state object and replaces, never changes, the task records', () => {
    const events = sampleRunEvents();
    let state = applyRunEvent(undefined, events[0]!);
    const first = state;
    const recordsSeen = new Map<TaskRecord, string>();
    for (const event of events.slice(1)) {
      for (const record of Object.values(state.tasks)) if (!recordsSeen.has(record)) recordsSeen.set(record, JSON.stringify(record));
      state = applyRunEvent(state, event);
      expect(state).toBe(first);
    }
    for (const [record, json] of recordsSeen) expect(JSON.stringify(record)).toBe(json);
  });
});
