import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConcurrencyGovernor, executeGraph } from '../../src/scheduler/index.js';
import type { GovernorTimers } from '../../src/scheduler/index.js';
import { createHarness, tick } from './harness.js';

/** A clock the test moves by hand; due callbacks run in order as it passes them. */
function manualTimers(): GovernorTimers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, timer]) => timer.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = target;
    },
    pending: () => timers.size,
  };
}

function governorWith(concurrency: number, extra: { inFlight?: () => number } = {}) {
  const timers = manualTimers();
  const limits: number[] = [];
  const notices: { level: string; message: string; task?: string }[] = [];
  const governor = new ConcurrencyGovernor({
    concurrency,
    timers,
    setConcurrency: (limit) => limits.push(limit),
    notice: (level, message, task) => notices.push({ level, message, ...(task ? { task } : {}) }),
    ...extra,
  });
  return { governor, timers, limits, notices };
}

describe('ConcurrencyGovernor', () => {
  it('halves the limit after 3 reports within 60 s, then restores it after 120 s', () => {
    const { governor, timers, limits, notices } = governorWith(4);
    governor.reportRateLimited('T011');
    timers.advance(10_000);
    governor.reportRateLimited('T012');
    expect(limits).toEqual([]);
    timers.advance(10_000);
    governor.reportRateLimited('T013');
    expect(limits).toEqual([2]);
    expect(governor.limit).toBe(2);
    expect(notices).toEqual([{ level: 'warn', message: 'lowered concurrency from 4 to 2 for 120 s after repeated 429s', task: 'T013' }]);

    timers.advance(119_999);
    expect(governor.limit).toBe(2);
    timers.advance(1);
    expect(limits).toEqual([2, 4]);
    expect(notices.at(-1)).toEqual({ level: 'info', message: 'restored concurrency to 4 after a 120 s cooldown' });
  });

  it('ignores reports spread wider than the window', () => {
    const { governor, timers, limits } = governorWith(4);
    for (let i = 0; i < 6; i++) {
      governor.reportRateLimited('T011');
      timers.advance(31_000);
    }
    expect(limits).toEqual([]);
  });

  it('lowers again on a new burst during the cooldown, never below 1, and restarts the cooldown', () => {
    const { governor, timers, limits, notices } = governorWith(4);
    for (let i = 0; i < 3; i++) governor.reportRateLimited('A');
    timers.advance(100_000);
    for (let i = 0; i < 3; i++) governor.reportRateLimited('B');
    expect(limits).toEqual([2, 1]);
    for (let i = 0; i < 3; i++) governor.reportRateLimited('C'); // at the floor: no new notice
    expect(notices.filter((notice) => notice.level === 'warn')).toHaveLength(2);
    timers.advance(119_000);
    expect(governor.limit).toBe(1);
    timers.advance(1_000);
    expect(limits).toEqual([2, 1, 4]);
    expect(timers.pending()).toBe(0);
  });

  it('does nothing with a configured concurrency of 1', () => {
    const { governor, timers, limits, notices } = governorWith(1);
    for (let i = 0; i < 9; i++) governor.reportRateLimited('A');
    expect(limits).toEqual([]);
    expect(notices).toEqual([]);
    expect(timers.pending()).toBe(0);
  });

  it('halves the tasks in flight when concurrency is unlimited, and restores "unlimited"', () => {
    const { governor, timers, limits, notices } = governorWith(Infinity, { inFlight: () => 6 });
    for (let i = 0; i < 3; i++) governor.reportRateLimited('A');
    expect(limits).toEqual([3]);
    timers.advance(120_000);
    expect(limits).toEqual([3, Infinity]);
    expect(notices.at(-1)?.message).toBe('restored concurrency to unlimited after a 120 s cooldown');
  });

  it('dispose cancels the pending restore and ignores later reports', () => {
    const { governor, timers, limits } = governorWith(4);
    for (let i = 0; i < 3; i++) governor.reportRateLimited('A');
    governor.dispose();
    expect(timers.pending()).toBe(0);
    for (let i = 0; i < 3; i++) governor.reportRateLimited('A');
    expect(limits).toEqual([2]);
  });

  describe('with the default (system) timers', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('honours custom threshold, window and cooldown under fake timers', () => {
      vi.useFakeTimers();
      const limits: number[] = [];
      const governor = new ConcurrencyGovernor({
        concurrency: 8,
        threshold: 2,
        windowMs: 1_000,
        cooldownMs: 5_000,
        setConcurrency: (limit) => limits.push(limit),
        notice: () => undefined,
      });
      governor.reportRateLimited('A');
      vi.advanceTimersByTime(1_500);
      governor.reportRateLimited('A'); // the first report has left the window
      expect(limits).toEqual([]);
      governor.reportRateLimited('A');
      expect(limits).toEqual([4]);
      vi.advanceTimersByTime(5_000);
      expect(limits).toEqual([4, 8]);
    });
  });
});

describe('executeGraph with the governor', () => {
  it('lowers the queue concurrency after repeated 429s from tasks, and restores it', async () => {
    const timers = manualTimers();
    const harness = createHarness();
    const tasks = 'ABCDEFGH'.split('').map((id) => ({ id, phase: 'p', needs: [] }));
    const run = executeGraph({ tasks, phases: ['p'], concurrency: 4, rateLimit: { timers }, ...harness });
    const ctxA = await harness.started('A');
    expect(harness.running()).toEqual(['A', 'B', 'C', 'D']);

    ctxA.rateLimited();
    ctxA.rateLimited();
    ctxA.rateLimited();
    const warn = harness.events.find((event) => event.type === 'run:notice');
    expect(warn).toMatchObject({ level: 'warn', task: 'A', message: 'lowered concurrency from 4 to 2 for 120 s after repeated 429s' });

    harness.finish('A');
    harness.finish('B');
    await tick();
    expect(harness.running()).toEqual(['C', 'D']); // 2 in flight = the lowered limit: nothing new
    harness.finish('C');
    await harness.started('E');
    expect(harness.running()).toEqual(['D', 'E']);

    timers.advance(120_000);
    await Promise.all([harness.started('F'), harness.started('G')]);
    expect(harness.running()).toEqual(['D', 'E', 'F', 'G']);
    expect(harness.events.filter((event) => event.type === 'run:notice').at(-1)).toMatchObject({
      level: 'info',
      message: 'restored concurrency to 4 after a 120 s cooldown',
    });
    for (const id of 'DEFGH') harness.finish(id);
    const result = await run;
    expect(result.status).toBe('succeeded');
    expect(result.peakInFlight).toBe(4);
  });

  it('cancels a pending restore when the run ends', async () => {
    const timers = manualTimers();
    const tasks = [{ id: 'A', phase: 'p', needs: [] }];
    await executeGraph({
      tasks,
      phases: ['p'],
      concurrency: 4,
      rateLimit: { timers, threshold: 1 },
      emit: () => undefined,
      runTask: async (_task, ctx) => {
        ctx.rateLimited();
        return { state: 'succeeded' };
      },
    });
    expect(timers.pending()).toBe(0);
  });
});
