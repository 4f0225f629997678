// Every Mermaid diagram the tool writes, fed to the real Mermaid parser (mermaid 11 with a
// jsdom window): `plan --format mermaid` for the FLUX graph and for hostile ids and
// titles, and the run summary's Gantt timeline and task-graph flowchart. Beyond "it
// parses", the parsed db is compared with the input: every task a node, every need an
// edge, every phase a subgraph, labels as the user wrote them.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/project.js';
import type { TaskGraph } from '../../src/config/types.js';
import type { RunState, TaskRecord } from '../../src/events/runState.js';
import type { TaskState } from '../../src/events/types.js';
import { analyzeGraph } from '../../src/graph/analyze.js';
import { renderPlanMermaid } from '../../src/graph/plan/planMermaid.js';
import { dagFlowchart, ganttChart } from '../../src/report/mermaid.js';
import { parseFlowchart, parseGantt, parseMermaid } from './mermaidParser.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const GRAPH_FILE = path.join(ROOT, 'tasks', 'flux-triton.yaml');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

function fluxGraph(): TaskGraph {
  const project = loadProject({ graphFile: GRAPH_FILE, agentsDir: path.join(ROOT, 'agents') });
  if (!project.graph) throw new Error(`the FLUX graph did not load: ${JSON.stringify(project.problems)}`);
  return project.graph;
}

/** A graph as analyzeGraph and renderPlanMermaid read it (no YAML, so any id or title can be tried). */
function graphOf(phases: { id: string; title: string }[], tasks: { id: string; title: string; phase: string; needs?: string[] }[]) {
  return {
    phases,
    tasks: tasks.map((t) => ({ ...t, needs: t.needs ?? [], agent: 'a', outputs: [], verify: [], prompt: '' })),
  } as unknown as TaskGraph;
}

describe('plan --format mermaid', () => {
  it('the FLUX graph is a flowchart mermaid accepts, with every task, need and phase', async () => {
    const graph = fluxGraph();
    const analysis = analyzeGraph(graph);
    const text = renderPlanMermaid(graph, analysis);
    const chart = await parseFlowchart(text);

    expect(chart.type).toBe('flowchart-v2');
    expect(chart.vertices).toHaveLength(13);
    const idOf = new Map<string, string>();
    for (const task of graph.tasks) {
      const vertex = chart.vertices.find((v) => v.text === `${task.id}: ${task.title}`);
      expect(vertex, `no node labelled "${task.id}: ${task.title}"`).toBeDefined();
      idOf.set(task.id, (vertex as { id: string }).id);
    }
    const edges = new Set(chart.edges.map((e) => `${e.start}->${e.end}`));
    const expected = graph.tasks.flatMap((t) => t.needs.map((n) => `${idOf.get(n)}->${idOf.get(t.id)}`));
    expect(chart.edges).toHaveLength(expected.length);
    expect([...edges].sort()).toEqual([...expected].sort());
    // T015 is gated on the BLS config and all four component models.
    expect(
      chart.edges
        .filter((e) => e.end === idOf.get('T015'))
        .map((e) => e.start)
        .sort(),
    ).toEqual(['T006', 'T011', 'T012', 'T013', 'T014'].map((id) => idOf.get(id)).sort());

    expect(chart.subgraphs.map((s) => s.title).sort()).toEqual(['Model implementations', 'Tests', 'Triton configs']);
    for (const phase of graph.phases) {
      const sub = chart.subgraphs.find((s) => s.title === phase.title);
      const members = graph.tasks.filter((t) => t.phase === phase.id).map((t) => idOf.get(t.id));
      expect([...(sub?.nodes ?? [])].sort()).toEqual(members.sort());
    }

    // The critical path is highlighted, and only it.
    expect(chart.classes.has('critical')).toBe(true);
    const critical = chart.vertices.filter((v) => v.classes.includes('critical')).map((v) => v.text.split(':')[0]);
    expect(critical.sort()).toEqual([...analysis.criticalPath.tasks].sort());
    expect(analysis.criticalPath.tasks).toContain('T015');
  });

  it('the built CLI prints the same flowchart on stdout', async () => {
    const out = execFileSync(process.execPath, [CLI, 'plan', '--format', 'mermaid', '--graph', GRAPH_FILE, '--agents', path.join(ROOT, 'agents')], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const graph = fluxGraph();
    expect(out).toBe(renderPlanMermaid(graph, analyzeGraph(graph)));
    const chart = await parseFlowchart(out);
    expect(chart.vertices).toHaveLength(13);
  });

  it('ids that are keywords or have dots, and titles with quotes, brackets, colons, hashes and tags', async () => {
    const titles: Record<string, string> = {
      end: 'The "end" task: [brackets] {braces} (parens)',
      'a.b': 'Colons: a:b; semicolons; #hash #35; &amp; & <br/> <b>bold</b>',
      'a-b': "Backticks `code` and 'single' quotes | pipes -->",
      graph: 'Percent %% not a comment, unicode ✓ — done',
      subgraph: 'x["y"]',
      click: 'style classDef class linkStyle',
      a_b: 'Collides with a.b and a-b after escaping',
    };
    const phases = [
      { id: 'end', title: 'Phase "one": [configs]' },
      { id: 'p.2', title: 'Phase #2 <models> & `code`' },
    ];
    const tasks = [
      { id: 'end', title: titles.end as string, phase: 'end' },
      { id: 'a.b', title: titles['a.b'] as string, phase: 'end', needs: ['end'] },
      { id: 'a-b', title: titles['a-b'] as string, phase: 'p.2', needs: ['end', 'a.b'] },
      { id: 'graph', title: titles.graph as string, phase: 'p.2', needs: ['a-b'] },
      { id: 'subgraph', title: titles.subgraph as string, phase: 'p.2', needs: ['graph'] },
      { id: 'click', title: titles.click as string, phase: 'p.2', needs: ['subgraph'] },
      { id: 'a_b', title: titles.a_b as string, phase: 'p.2', needs: ['click'] },
    ];
    const graph = graphOf(phases, tasks);
    const chart = await parseFlowchart(renderPlanMermaid(graph, analyzeGraph(graph)));

    expect(chart.vertices).toHaveLength(tasks.length);
    const idOf = new Map<string, string>();
    for (const task of tasks) {
      const vertex = chart.vertices.find((v) => v.text === `${task.id}: ${task.title}`);
      expect(
        vertex,
        `no node labelled ${JSON.stringify(`${task.id}: ${task.title}`)} among ${JSON.stringify(chart.vertices.map((v) => v.text))}`,
      ).toBeDefined();
      idOf.set(task.id, (vertex as { id: string }).id);
    }
    expect(new Set(idOf.values()).size).toBe(tasks.length);
    const expected = tasks.flatMap((t) => (t.needs ?? []).map((n) => `${idOf.get(n)}->${idOf.get(t.id)}`));
    expect(chart.edges.map((e) => `${e.start}->${e.end}`).sort()).toEqual(expected.sort());
    expect(chart.subgraphs.map((s) => s.title).sort()).toEqual(phases.map((p) => p.title).sort());
  });

  it('a title with a newline stays on one node', async () => {
    const graph = graphOf([{ id: 'p', title: 'P' }], [{ id: 'T1', title: 'first line\nsecond line', phase: 'p' }]);
    const chart = await parseFlowchart(renderPlanMermaid(graph, analyzeGraph(graph)));
    expect(chart.vertices).toHaveLength(1);
    expect(chart.vertices[0]?.text).toBe('T1: first line second line');
  });
});

// ------------------------------------------------------------------ run reports

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

function record(task: TaskGraph['tasks'][number], state: TaskState, startedAt?: number, endedAt?: number, reason?: string): TaskRecord {
  return {
    id: task.id,
    title: task.title,
    phase: task.phase,
    agent: task.agent,
    needs: [...task.needs],
    state,
    ...(reason ? { reason } : {}),
    ...(startedAt !== undefined ? { startedAt: at(startedAt) } : {}),
    ...(endedAt !== undefined ? { endedAt: at(endedAt) } : {}),
    turns: 3,
    usage: { inputTokens: 10, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    verify: [],
    retries: 0,
  };
}

/** The FLUX run as state.json holds it: mostly succeeded, with every other state present. */
function fluxRunState(retitle: (task: TaskGraph['tasks'][number]) => string = (t) => t.title): RunState {
  const graph = fluxGraph();
  const spec = (id: string) => {
    const task = graph.tasks.find((t) => t.id === id);
    if (!task) throw new Error(id);
    return { ...task, title: retitle(task) };
  };
  const tasks: TaskRecord[] = [
    record(spec('T006'), 'succeeded', 0, 3),
    record(spec('T007'), 'cached', undefined, 0, 'inputs unchanged since abc1234'),
    record(spec('T008'), 'succeeded', 0, 4),
    record(spec('T009'), 'succeeded', 0, 2),
    record(spec('T010'), 'succeeded', 1, 3),
    record(spec('T011'), 'succeeded', 3, 12),
    record(spec('T012'), 'succeeded', 4, 11),
    record(spec('T013'), 'failed', 2, 15, 'verification failed after 2 repair attempt(s): triton-contract dit_transformer'),
    record(spec('T014'), 'succeeded', 3, 10),
    record(spec('T015'), 'blocked', undefined, 15, 'needs T013, which failed'),
    record(spec('T003'), 'interrupted', 15, 16, 'interrupted during verification'),
    record(spec('T004'), 'blocked', undefined, 15, 'needs T015'),
    record(spec('T005'), 'pending'),
  ];
  return {
    schemaVersion: 1,
    runId: '20260301-100000-0001',
    graph: GRAPH_FILE,
    graphName: graph.name,
    provider: 'scripted',
    concurrency: 5,
    status: 'failed',
    startedAt: at(0),
    endedAt: at(16),
    phases: graph.phases.map((p) => ({ id: p.id, title: p.title })),
    tasks: Object.fromEntries(tasks.map((t) => [t.id, t])),
    notices: [],
  };
}

/** A node label's lines (mermaid normalises `<br/>` to `<br>`). */
const lines = (text: string): string[] => text.split(/<br\s*\/?>/);

describe('run report diagrams', () => {
  it('the Gantt timeline parses, with one bar per started task and a milestone per cached one', async () => {
    const state = fluxRunState();
    const { chart, notStarted } = ganttChart(state);
    const gantt = await parseGantt(chart);

    expect(notStarted.map((t) => t.id).sort()).toEqual(['T004', 'T005', 'T015']);
    expect(gantt.tasks).toHaveLength(10);
    expect(gantt.title).toContain(state.runId);
    expect(gantt.sections).toEqual(['Triton configs', 'Model implementations', 'Tests']);
    for (const task of Object.values(state.tasks)) {
      if (!task.startedAt && task.state !== 'cached') continue;
      const bar = gantt.tasks.find((b) => b.task.trim().startsWith(`${task.id} `));
      expect(bar, `no bar for ${task.id}`).toBeDefined();
      if (!bar) continue;
      const phaseTitle = state.phases.find((p) => p.id === task.phase)?.title;
      expect(bar.section).toBe(phaseTitle);
      if (task.startedAt) {
        expect(bar.startTime.getTime()).toBe(Date.parse(task.startedAt));
        expect(bar.endTime.getTime()).toBe(Date.parse(task.endedAt as string));
      }
    }
    const bar = (id: string) => gantt.tasks.find((b) => b.task.trim().startsWith(`${id} `));
    expect(bar('T006')?.done).toBe(true);
    expect(bar('T013')?.crit).toBe(true);
    expect(bar('T003')?.crit).toBe(true);
    expect(bar('T007')?.milestone).toBe(true);
    expect(bar('T007')?.task).toContain('(cached)');
  });

  it('the task-graph flowchart parses, coloured by state, with every need an edge', async () => {
    const state = fluxRunState();
    const chart = await parseFlowchart(dagFlowchart(state));
    expect(chart.vertices).toHaveLength(13);
    const records = Object.values(state.tasks);
    for (const task of records) {
      const vertex = chart.vertices.find((v) => lines(v.text)[0] === task.id);
      expect(vertex, `no node for ${task.id}`).toBeDefined();
      expect(lines(vertex?.text ?? '')).toEqual([task.id, task.title, task.state]);
      expect(vertex?.classes).toEqual([task.state]);
    }
    const idOf = new Map(chart.vertices.map((v) => [lines(v.text)[0] as string, v.id]));
    const expected = records.flatMap((t) => t.needs.map((n) => `${idOf.get(n)}->${idOf.get(t.id)}`));
    expect(chart.edges.map((e) => `${e.start}->${e.end}`).sort()).toEqual(expected.sort());
    expect(chart.subgraphs.map((s) => s.title)).toEqual(['Triton configs', 'Model implementations', 'Tests']);
    for (const used of new Set(records.map((t) => t.state))) expect(chart.classes.has(used), `classDef ${used}`).toBe(true);
  });

  it('titles with quotes, brackets, colons, hashes, semicolons and keywords still parse in both charts', async () => {
    const hostile = [
      'He said "stop": [now] {ok} <b>x</b>',
      'a:b;c#d #35; &amp; & `tick`',
      'section Tests',
      'click here %% not a comment',
      'title: x, y, z',
      'end',
    ];
    let n = 0;
    const state = fluxRunState(() => hostile[n++ % hostile.length] as string);
    // A phase title and a task outside every phase are hostile too.
    (state.phases[0] as { title: string }).title = 'Configs: "first" [1]; #1';
    const stray = state.tasks.T006 as TaskRecord;
    state.tasks['x.end'] = { ...stray, id: 'x.end', title: 'end', phase: 'unknown-phase', needs: ['T006'], state: 'succeeded' };

    const { chart } = ganttChart(state);
    const gantt = await parseGantt(chart);
    expect(gantt.tasks).toHaveLength(11);
    expect(gantt.sections).toContain('Other');
    for (const bar of gantt.tasks) {
      expect(Number.isFinite(bar.startTime.getTime())).toBe(true);
      expect(bar.endTime.getTime()).toBeGreaterThan(bar.startTime.getTime());
    }
    // Every bar name starts with its task id, so none was eaten as a keyword.
    const started = Object.values(state.tasks).filter((t) => t.startedAt || t.state === 'cached');
    for (const task of started)
      expect(
        gantt.tasks.some((b) => b.task.trim().startsWith(`${task.id} `)),
        task.id,
      ).toBe(true);

    const flow = await parseFlowchart(dagFlowchart(state));
    expect(flow.vertices).toHaveLength(14);
    expect(flow.edges).toHaveLength(Object.values(state.tasks).reduce((sum, t) => sum + t.needs.length, 0));
    expect(flow.subgraphs).toHaveLength(3);
  });

  it('task ids that are Gantt keywords or collide once escaped keep their own bar and node', async () => {
    const state = fluxRunState();
    const base = state.tasks.T006 as TaskRecord;
    const extra = ['section', 'title', 'excludes', 'dateFormat', 'click', 'weekday', 'gantt', '2026-01-01', 'a.b', 'a_b', 'a-b'];
    const titleOf = (id: string, i: number): string => (id === 'weekday' ? 'monday job' : `Task ${i}`);
    extra.forEach((id, i) => {
      state.tasks[id] = {
        ...base,
        id,
        title: titleOf(id, i),
        needs: i === 0 ? ['T006'] : [extra[i - 1] as string],
        state: 'succeeded',
        startedAt: at(i),
        endedAt: at(i + 1),
      };
    });
    const gantt = await parseGantt(ganttChart(state).chart);
    expect(gantt.sections).toEqual(['Triton configs', 'Model implementations', 'Tests']);
    for (const [i, id] of extra.entries()) {
      // A name that would read as a Gantt statement gets a lead-in; the id and title follow it.
      const bars = gantt.tasks.filter((b) => b.task.trim().replace(/^▸ /, '') === `${id} ${titleOf(id, i)}`);
      expect(bars, `bar for ${id}`).toHaveLength(1);
    }
    expect(gantt.tasks).toHaveLength(10 + extra.length);

    const flow = await parseFlowchart(dagFlowchart(state));
    expect(flow.vertices).toHaveLength(13 + extra.length);
    for (const id of extra)
      expect(
        flow.vertices.filter((v) => lines(v.text)[0] === id),
        `node for ${id}`,
      ).toHaveLength(1);
    expect(flow.edges).toHaveLength(Object.values(state.tasks).reduce((sum, t) => sum + t.needs.length, 0));
  });

  it('a run where nothing has ended yet (live state) still gives a valid timeline', async () => {
    const state = fluxRunState();
    delete state.endedAt;
    state.status = 'running';
    const running = state.tasks.T003 as TaskRecord;
    running.state = 'running';
    delete running.endedAt;
    const gantt = await parseGantt(ganttChart(state).chart);
    const bar = gantt.tasks.find((b) => b.task.trim().startsWith('T003 '));
    expect(bar?.active).toBe(true);
    expect(bar && bar.endTime.getTime() > bar.startTime.getTime()).toBe(true);
  });

  it('the parser used here does reject broken diagrams', async () => {
    await expect(parseMermaid('flowchart TD\n  A[x[y]] --> B')).rejects.toThrow(/Parse error/);
    await expect(parseGantt('gantt\n  dateFormat x\n  section S\n  T1 :t1, notadate, 5')).rejects.toThrow(/Invalid date/);
  });
});
