// renderHtmlReport on the shared sample run and on hostile content, read back with jsdom:
// structure, the failure lead, costs, the timeline's parts and critical path, escaping.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import type { TurnRecord } from '../../src/agent/types.js';
import { reduceRunState, type RunState } from '../../src/events/index.js';
import type { RunEvent } from '../../src/events/types.js';
import { renderHtmlReport, type RunRecord } from '../../src/report/index.js';
import { buildTimeline } from '../../src/report/html/timeline.js';
import { at, sampleRunEvents } from '../events/fixtures/sampleRun.js';

function record(events: RunEvent[]): RunRecord {
  const state = events.reduce<RunState | undefined>((s, e) => reduceRunState(s, e), undefined) as RunState;
  const transcripts = new Map<string, TurnRecord[]>();
  for (const e of events) if (e.type === 'task:turn') transcripts.set(e.task, [...(transcripts.get(e.task) ?? []), e.turn]);
  return { dir: '/nowhere', state, events, transcripts };
}

function dom(html: string): Document {
  return new JSDOM(html).window.document;
}

describe('renderHtmlReport', () => {
  const sample = record(sampleRunEvents());
  const doc = dom(renderHtmlReport(sample));

  it('has one section, one DAG node and one Gantt row per task', () => {
    const ids = Object.keys(sample.state.tasks).sort();
    const attr = (selector: string) => [...doc.querySelectorAll(selector)].map((e) => e.getAttribute('data-task')).sort();
    expect(attr('section.task')).toEqual(ids);
    expect(attr('svg.dag g.dag-node')).toEqual(ids);
    expect(attr('svg.gantt g.gantt-task')).toEqual(ids);
    // The blocked task never started: its row says so instead of drawing a bar.
    expect(doc.querySelector('svg.gantt g.gantt-task[data-task="T015"]')?.textContent).toContain('not started: blocked');
  });

  it('leads a failed run with each unfinished task and its reason', () => {
    const failure = doc.querySelector('main > header + section');
    expect(failure?.id).toBe('failure');
    const text = failure?.textContent ?? '';
    expect(text).toContain('T012');
    expect(text).toContain('session ended: max_turns');
    expect(text).toContain('T015');
    expect(text).toContain('needs T012 (failed)');
    expect(text).not.toContain('T006');
  });

  it("shows the output of the checks that failed a task's last verify attempt", () => {
    const events = sampleRunEvents().flatMap((e): RunEvent[] =>
      e.type === 'task:state' && e.task === 'T012' && e.state === 'failed'
        ? [
            {
              type: 'task:verify',
              at: e.at,
              task: 'T012',
              attempt: {
                attempt: 0,
                passed: false,
                results: [{ name: 'pbtxt', status: 'failed', output: 'config.pbtxt:3: dims must be positive', durationMs: 5 }],
              },
            },
            { ...e, reason: 'verification failed after 0 repair attempt(s): pbtxt' },
          ]
        : [e],
    );
    const failure = dom(renderHtmlReport(record(events))).getElementById('failure');
    expect(failure?.textContent).toContain('verification failed after 0 repair attempt(s): pbtxt');
    expect(failure?.querySelector('pre')?.textContent).toBe('config.pbtxt:3: dims must be positive');
  });

  it('has no failure section when the run succeeded, even with tasks outside its scope left pending', () => {
    // As after `run --task T006 --task T007`: T012 was not in scope and stays pending.
    const inScope = ['T006', 'T007'];
    const ok = sampleRunEvents().filter((e) => !('task' in e) || inScope.includes(e.task as string));
    const okRecord = record(
      ok.map((e) =>
        e.type === 'run:start'
          ? { ...e, tasks: e.tasks.filter((t) => [...inScope, 'T012'].includes(t.id)) }
          : e.type === 'run:end'
            ? { ...e, status: 'succeeded' as const }
            : e,
      ),
    );
    expect(okRecord.state.tasks.T012?.state).toBe('pending');
    const page = dom(renderHtmlReport(okRecord));
    expect(page.getElementById('failure')).toBeNull();
    expect(page.querySelector('svg.gantt g.gantt-task[data-task="T012"]')?.textContent).toContain('not started: pending');
  });

  it('shows verify attempts with check results, and JUnit cases', () => {
    const t003 = doc.getElementById('task-T003');
    expect(t003?.querySelectorAll('.attempt')).toHaveLength(2);
    expect(t003?.querySelector('.attempt.failed h4')?.textContent).toContain('Verify attempt 1: failed');
    expect(t003?.querySelector('details.junit')?.textContent).toMatch(/tests, 1 failures/);
  });

  it('says "unknown" for an unpriced run, and dollars for a priced one', () => {
    expect(doc.getElementById('run-cost')?.textContent).toBe('$0');
    const unpriced = [...sampleRunEvents()];
    unpriced.splice(2, 0, { type: 'task:cost', at: at(2), task: 'T006', turn: 1, model: 'claude-x', costUsd: null });
    expect(dom(renderHtmlReport(record(unpriced))).getElementById('run-cost')?.textContent).toBe('unknown');
    const priced = [...sampleRunEvents()];
    priced.splice(2, 0, { type: 'task:cost', at: at(2), task: 'T006', turn: 1, model: 'claude-sonnet-5-5', costUsd: 0.25 });
    expect(dom(renderHtmlReport(record(priced))).getElementById('run-cost')?.textContent).toBe('$0.25');
  });

  it('escapes everything a run recorded, and clips huge tool input naming the transcript', () => {
    const events = sampleRunEvents().map((e) => {
      if (e.type === 'run:start') return { ...e, tasks: e.tasks.map((t) => (t.id === 'T006' ? { ...t, title: '<script>alert(1)</script>' } : t)) };
      if (e.type === 'task:turn' && e.task === 'T006' && e.turn.turn === 1) {
        const hostile: TurnRecord = {
          ...e.turn,
          assistant: [
            { type: 'text', text: '<img src=x onerror=alert(2)>', citations: null },
            {
              type: 'tool_use',
              id: 'toolu_x',
              name: 'Write',
              input: { file_path: 'a.py', content: `</pre><script>alert(3)</script>${'y'.repeat(10_000)}` },
              caller: { type: 'direct' },
            },
          ],
          toolResults: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: '<b>refused</b>', is_error: true }],
        };
        return { ...e, turn: hostile };
      }
      return e;
    });
    const html = renderHtmlReport(record(events));
    const page = dom(html);
    expect(page.querySelectorAll('script')).toHaveLength(1); // only the page's own
    expect(page.querySelectorAll('img')).toHaveLength(0);
    expect(page.querySelectorAll('b').length).toBe(page.querySelectorAll('dd b, li b').length);
    const t006 = page.getElementById('task-T006');
    expect(t006?.querySelector('h3')?.textContent).toBe('T006: <script>alert(1)</script>');
    expect(t006?.querySelector('.tool-call.tool-error .tool-result pre')?.textContent).toBe('<b>refused</b>');
    expect(t006?.querySelector('.tool-input')?.textContent).toMatch(/more characters \(full text in transcripts\/T006\.jsonl\)$/);
  });

  it('makes no reference to anything outside the file', () => {
    const html = renderHtmlReport(sample);
    expect(html).not.toMatch(/\b(?:src|href)="(?!#)/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain("default-src 'none'");
  });
});

describe('buildTimeline', () => {
  it('splits turns into model and tool time, adds verify and commit, and finds the critical path', () => {
    const events = sampleRunEvents().map((e) =>
      e.type === 'task:turn' && e.task === 'T006' && e.turn.turn === 1
        ? { ...e, turn: { ...e.turn, modelEndedAt: new Date(Date.parse(e.turn.startedAt) + 400).toISOString() } }
        : e,
    );
    const timeline = buildTimeline(record(events));
    const t006 = timeline.tasks.find((t) => t.task.id === 'T006');
    const kinds = t006?.segments.map((s) => s.kind) ?? [];
    expect(kinds.slice(0, 2)).toEqual(['model', 'tool']);
    const [model, tool] = t006?.segments ?? [];
    expect((model?.end ?? 0) - (model?.start ?? 0)).toBe(400);
    const recorded = events.find((e): e is Extract<RunEvent, { type: 'task:turn' }> => e.type === 'task:turn' && e.task === 'T006' && e.turn.turn === 1);
    expect(tool?.start).toBe(model?.end);
    expect(tool?.end).toBe(Date.parse(recorded?.turn.endedAt ?? ''));
    expect(kinds).toContain('verify');
    expect(kinds).toContain('commit');
    // T003 ends last and needs only T006: the chain that finished last.
    expect(timeline.criticalPath).toEqual(['T006', 'T003']);
    expect(timeline.start).toBe(Date.parse(at(0)));
  });
});
