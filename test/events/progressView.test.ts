import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressView, reduceRunState, renderProgressFrame, type RunState } from '../../src/events/index.js';
import { at, RUN_ID, sampleRunEvents } from './fixtures/sampleRun.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { stream, text: () => chunks.join('') };
}

describe('ProgressView', () => {
  afterEach(() => vi.useRealTimers());

  it('prints plain timestamped lines for state changes and notices when not a TTY', async () => {
    const out = capture();
    const view = new ProgressView({ stream: out.stream, isTTY: false, json: false });
    for (const event of sampleRunEvents()) view.onEvent(event);
    await view.close();
    const lines = out.text().trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] /);
    const bodies = lines.map((l) => l.slice(11));
    expect(bodies).toContain('T006 running');
    expect(bodies).toContain('T007 cached: inputs unchanged since run 20241231-0900');
    expect(bodies).toContain('T012 failed: session ended: max_turns');
    expect(bodies).toContain('warning: T012: T012 failed; its dependents are blocked.');
    expect(bodies).not.toContain('T006 verifying');
    expect(bodies.at(-1)).toBe(`run ${RUN_ID} failed: 3 succeeded, 1 cached, 1 failed, 1 blocked (21s, cost $0)`);
    expect(out.text()).not.toContain('\x1b[');
  });

  it('writes every event as NDJSON in json mode', () => {
    const out = capture();
    const view = new ProgressView({ stream: out.stream, isTTY: true, json: true });
    const events = sampleRunEvents();
    for (const event of events) view.onEvent(event);
    const parsed = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(parsed).toEqual(events);
  });

  it('redraws the live view in place, at most once per interval', async () => {
    vi.useFakeTimers();
    const out = capture();
    let clock = Date.parse(at(0));
    const view = new ProgressView({ stream: out.stream, isTTY: true, json: false, now: () => new Date(clock), intervalMs: 100 });
    const events = sampleRunEvents();
    const end = events.pop()!;
    for (const event of events) view.onEvent(event); // all within one interval
    await vi.advanceTimersByTimeAsync(0);
    const firstFrames = out.text().split('flux-triton flux-to-triton').length - 1;
    expect(firstFrames).toBe(4); // one per notice (drawn at once; three) and one for the whole burst
    clock += 1000;
    await vi.advanceTimersByTimeAsync(1000); // the ticker redraws for the clock
    expect(out.text()).toMatch(/\x1b\[\d+F\x1b\[0J/); // moved up and erased the old frame
    view.onEvent(end);
    await view.close();
    const text = out.text();
    expect(text).toContain('✓');
    expect(text).toContain('T015');
    expect(text).toMatch(/run 20250101-120000-abcd failed/);
  });
});

describe('renderProgressFrame', () => {
  const final = (): RunState => sampleRunEvents().reduce<RunState | undefined>((s, e) => reduceRunState(s, e), undefined)!;

  it('shows phases with progress, tasks with state, elapsed and tokens', () => {
    const lines = renderProgressFrame(final(), { now: new Date(at(21)), columns: 200, rows: 50, color: false });
    expect(lines[0]).toContain('21s');
    expect(lines[0]).toContain('6/6 done');
    expect(lines).toContain('Model implementations (models) 1/3');
    const t011 = lines.find((l) => l.includes('T011'))!;
    expect(t011).toMatch(/✓ succeeded\s+6s\s+3.1k\s+\$0 attempt 2/);
  });

  it('fits the terminal: never taller than its rows, never wider than its columns', () => {
    const lines = renderProgressFrame(final(), { now: new Date(at(21)), columns: 40, rows: 6, color: true });
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines.at(-1)).toMatch(/more lines/);
    for (const line of lines) expect(line.replace(/\x1b\[[0-9;]*m/g, '').length).toBeLessThanOrEqual(39);
  });
});
