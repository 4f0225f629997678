// `flux-triton report`: a run for the terminal. Without options, a header and a table of
// tasks per phase; `phase` narrows to one phase; `task` shows one task in full (every
// verify attempt with its check output, JUnit cases, usage, commit). `json` prints the
// same selection as JSON.
import { colorState, formatDuration, formatTokens, type RunState } from '../events/index.js';
import { formatUsd } from '../cost/formatUsd.js';
import { UserError } from '../errors.js';
import { junitLine } from './phaseMarkdown.js';
import { describeCounts } from '../events/index.js';
import { summarizePhase, summarizeRun, summarizeTask, type PhaseSummary, type TaskSummary } from './summaries.js';
import type { LoadedRun } from './runStore.js';

export interface RenderRunReportOptions {
  /** Phase id, or its 1-based number. */
  phase?: string;
  task?: string;
  json?: boolean;
  color?: boolean;
}

export function renderRunReport(run: LoadedRun | RunState, options: RenderRunReportOptions = {}): string {
  const state = 'state' in run ? run.state : run;
  const color = options.color ?? false;
  const phase = options.phase === undefined ? undefined : resolvePhase(state, options.phase);
  const task = options.task === undefined ? undefined : resolveTask(state, options.task, phase);
  if (options.json) {
    const value = task ? summarizeTask(state.tasks[task] as RunState['tasks'][string]) : phase ? summarizePhase(state, phase) : summarizeRun(state);
    return `${JSON.stringify(value, null, 2)}\n`;
  }
  if (task) return renderTaskDetail(summarizeTask(state.tasks[task] as RunState['tasks'][string]), color);
  const summary = summarizeRun(state);
  const phases = phase ? summary.phases.filter((p) => p.id === phase) : summary.phases;
  const out = [header(state, summary.totalTokens, describeCounts(summary.counts), summary.costUsd), ''];
  for (const p of phases) out.push(...renderPhaseTable(p, color), '');
  if (!phase && summary.notices.some((n) => n.level === 'warn')) {
    out.push('Warnings:', ...summary.notices.filter((n) => n.level === 'warn').map((n) => `  ${n.task ? `${n.task}: ` : ''}${n.message}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function header(state: RunState, tokens: number, counts: string, costUsd: number | null): string {
  const duration = state.endedAt ? `, ${formatDuration(Date.parse(state.endedAt) - Date.parse(state.startedAt))}` : '';
  return [
    `Run ${state.runId}: ${state.status}${duration}`,
    `  graph ${state.graphName} · provider ${state.provider} · started ${state.startedAt}${state.resumedFrom ? ` · resumed from ${state.resumedFrom}` : ''}`,
    `  ${counts} · ${formatTokens(tokens)} tokens · cost ${formatUsd(costUsd)}`,
  ].join('\n');
}

function resolvePhase(state: RunState, wanted: string): string {
  const byId = state.phases.find((p) => p.id === wanted);
  const byNumber = /^\d+$/.test(wanted) ? state.phases[Number(wanted) - 1] : undefined;
  const found = byId ?? byNumber;
  if (!found) {
    const valid = state.phases.map((p, i) => `${i + 1}. ${p.id} (${p.title})`).join(', ');
    throw new UserError(`Unknown phase ${wanted} in run ${state.runId}. Phases: ${valid}.`, 'Ask for one of these ids or numbers.', 'report.unknown-phase');
  }
  return found.id;
}

function resolveTask(state: RunState, wanted: string, phase: string | undefined): string {
  const candidates = Object.values(state.tasks).filter((t) => phase === undefined || t.phase === phase);
  const found = candidates.find((t) => t.id === wanted) ?? candidates.find((t) => t.id.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    const where = phase ? `phase ${phase} of run ${state.runId}` : `run ${state.runId}`;
    throw new UserError(
      `Unknown task ${wanted} in ${where}. Tasks: ${candidates.map((t) => t.id).join(', ')}.`,
      'Ask for one of these ids.',
      'report.unknown-task',
    );
  }
  return found.id;
}

function renderPhaseTable(phase: PhaseSummary, color: boolean): string[] {
  const rows = phase.tasks.map((t) => [
    t.id,
    t.title,
    t.state,
    String(t.attempts),
    t.durationMs === undefined ? '-' : formatDuration(t.durationMs),
    t.totalTokens ? formatTokens(t.totalTokens) : '-',
    formatUsd(t.costUsd),
    t.commit ? t.commit.sha.slice(0, 7) : '-',
  ]);
  const head = ['Task', 'Title', 'State', 'Attempts', 'Duration', 'Tokens', 'Cost', 'Commit'];
  const widths = head.map((h, i) => Math.min(i === 1 ? 36 : 40, Math.max(h.length, ...rows.map((r) => (r[i] as string).length))));
  const fmt = (cells: string[], states?: TaskSummary): string =>
    cells
      .map((c, i) => {
        const width = widths[i] as number;
        const text = c.length > width ? `${c.slice(0, width - 1)}…` : c.padEnd(width);
        return i === 2 && states ? colorState(states.state, text, color) : text;
      })
      .join('  ')
      .trimEnd();
  const duration = phase.durationMs === undefined ? '' : ` · ${formatDuration(phase.durationMs)}`;
  const lines = [
    `Phase ${phase.index}: ${phase.title} (${phase.id}) · ${describeCounts(phase.counts)}${duration} · cost ${formatUsd(phase.costUsd)}`,
    `  ${fmt(head)}`,
  ];
  phase.tasks.forEach((t, i) => {
    lines.push(`  ${fmt(rows[i] as string[], t)}`);
  });
  for (const t of phase.tasks.filter((x) => x.reason && x.state !== 'succeeded')) lines.push(`  ${t.id} ${t.state}: ${t.reason}`);
  for (const t of phase.tasks) for (const s of t.skippedChecks) lines.push(`  ${t.id} check skipped: ${s.name} (${s.reason})`);
  return lines;
}

function renderTaskDetail(task: TaskSummary, color: boolean): string {
  const u = task.usage;
  const lines = [
    `${task.id}: ${task.title}`,
    `  state      ${colorState(task.state, task.state, color)}${task.reason ? ` (${task.reason})` : ''}`,
    `  phase      ${task.phase}`,
    `  agent      ${task.agent}${task.model ? ` · ${task.model}` : ''}`,
    `  needs      ${task.needs.length ? task.needs.join(', ') : '-'}`,
    `  time       ${task.startedAt ?? '-'} → ${task.endedAt ?? '-'}${task.durationMs !== undefined ? ` (${formatDuration(task.durationMs)})` : ''}`,
    `  turns      ${task.turns}${task.retries ? ` (${task.retries} transient retries)` : ''}`,
    `  tokens     input ${u.inputTokens} · output ${u.outputTokens} · cache write ${u.cacheCreationInputTokens} · cache read ${u.cacheReadInputTokens}`,
    `  cost       ${formatUsd(task.costUsd)}`,
    `  commit     ${task.commit ? task.commit.sha : '-'}`,
  ];
  if (task.commit) lines.push(...task.commit.files.map((f) => `             ${f}`));
  if (task.verify.length === 0) lines.push('', '  No verify pass ran.');
  for (const attempt of task.verify) {
    lines.push('', `Verify attempt ${attempt.attempt + 1}: ${attempt.passed ? 'passed' : 'failed'}`);
    for (const result of attempt.results) {
      const note = result.status === 'skipped' ? ` — skipped: ${result.reason ?? 'no reason given'}` : '';
      lines.push(`  ${result.status.toUpperCase().padEnd(7)} ${result.name} (${formatDuration(result.durationMs)})${note}`);
      const outputShown = result.status !== 'passed' && result.output.trim() !== '';
      if (outputShown)
        lines.push(
          ...result.output
            .trimEnd()
            .split('\n')
            .map((l) => `      ${l}`),
        );
      // A failed junit check's output usually lists its counts and failing cases already;
      // add only what it does not mention.
      if (result.junit) {
        if (!outputShown) lines.push(`      JUnit ${result.junit.file}: ${junitLine(result.junit)}`);
        const notMentioned = result.junit.cases.filter((x) => x.status !== 'passed' && !(outputShown && result.output.includes(x.name)));
        for (const c of notMentioned) {
          lines.push(`        ${c.status.toUpperCase()} ${c.classname ? `${c.classname}::` : ''}${c.name}${c.message ? `: ${c.message}` : ''}`);
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
