// What each task did when: its bar split into model turns, tool time, verify passes and the
// commit, from the transcripts (turn times) and the event log (state changes, verify and
// commit events); and the critical path, the chain of needs that ended last.
import type { TaskRecord } from '../../events/index.js';
import type { RunRecord } from './runRecord.js';

export type SegmentKind = 'model' | 'tool' | 'verify' | 'commit';

export interface Segment {
  kind: SegmentKind;
  start: number;
  end: number;
  label: string;
}

export interface TaskTimeline {
  task: TaskRecord;
  start?: number;
  end?: number;
  segments: Segment[];
}

export interface RunTimeline {
  start: number;
  end: number;
  tasks: TaskTimeline[];
  /** Task ids on the critical path, first to last. */
  criticalPath: string[];
}

function time(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

export function buildTimeline(record: RunRecord): RunTimeline {
  const { state } = record;
  const runStart = time(state.startedAt) ?? 0;
  const tasks = Object.values(state.tasks).map((task) => taskTimeline(record, task));
  const ends = tasks.flatMap((t) => (t.end === undefined ? [] : [t.end]));
  const runEnd = Math.max(time(state.endedAt) ?? runStart, ...ends, runStart + 1);
  // A task still running when the state was written ends, on the chart, with the run.
  for (const t of tasks) if (t.start !== undefined && t.end === undefined) t.end = runEnd;
  return {
    start: Math.min(runStart, ...tasks.flatMap((t) => (t.start === undefined ? [] : [t.start]))),
    end: runEnd,
    tasks,
    criticalPath: criticalPath(tasks),
  };
}

function taskTimeline(record: RunRecord, task: TaskRecord): TaskTimeline {
  const segments: Segment[] = [];
  for (const turn of record.transcripts.get(task.id) ?? []) {
    const start = time(turn.startedAt);
    const end = time(turn.endedAt);
    if (start === undefined || end === undefined) continue;
    const modelEnd = Math.min(end, time(turn.modelEndedAt) ?? end);
    segments.push({ kind: 'model', start, end: modelEnd, label: `turn ${turn.turn}: model` });
    const tools = turn.assistant.filter((b) => b.type === 'tool_use').length;
    if (tools > 0 && end > modelEnd) segments.push({ kind: 'tool', start: modelEnd, end, label: `turn ${turn.turn}: ${tools} tool call(s)` });
  }
  let verifyStart: number | undefined;
  let lastVerifyEnd: number | undefined;
  for (const event of record.events) {
    if (!('task' in event) || event.task !== task.id) continue;
    const at = time(event.at);
    if (at === undefined) continue;
    if (event.type === 'task:state' && event.state === 'verifying') verifyStart = at;
    if (event.type === 'task:verify') {
      const start = verifyStart ?? at - event.attempt.results.reduce((sum, r) => sum + r.durationMs, 0);
      segments.push({ kind: 'verify', start, end: at, label: `verify attempt ${event.attempt.attempt + 1}: ${event.attempt.passed ? 'passed' : 'failed'}` });
      verifyStart = undefined;
      lastVerifyEnd = at;
    }
    if (event.type === 'task:commit') {
      const lastTurnEnd = Math.max(0, ...segments.filter((s) => s.kind !== 'commit').map((s) => s.end));
      segments.push({ kind: 'commit', start: lastVerifyEnd ?? lastTurnEnd ?? at, end: at, label: `commit ${event.commit.sha.slice(0, 7)}` });
    }
  }
  const timeline: TaskTimeline = { task, segments: segments.sort((a, b) => a.start - b.start) };
  const start = time(task.startedAt);
  const end = time(task.endedAt);
  if (start !== undefined) timeline.start = start;
  if (end !== undefined) timeline.end = end;
  return timeline;
}

/** From the task that ended last, back through whichever of its needs ended last. */
function criticalPath(tasks: TaskTimeline[]): string[] {
  const byId = new Map(tasks.map((t) => [t.task.id, t]));
  const ran = tasks.filter((t) => t.start !== undefined && t.end !== undefined);
  let current = ran.sort((a, b) => (b.end as number) - (a.end as number))[0];
  const path: string[] = [];
  const seen = new Set<string>();
  while (current && !seen.has(current.task.id)) {
    seen.add(current.task.id);
    path.unshift(current.task.id);
    const needs = current.task.needs.map((id) => byId.get(id)).filter((t): t is TaskTimeline => t?.start !== undefined && t.end !== undefined);
    current = needs.sort((a, b) => (b.end as number) - (a.end as number))[0];
  }
  return path;
}
