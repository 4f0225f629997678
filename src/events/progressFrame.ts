// The live view's content, as plain lines: a header, then per phase its tasks with state,
// elapsed time and tokens. Pure, so it is tested without a terminal.
import { colorState, elapsedMs, formatDuration, formatTokens, STATE_SYMBOLS } from './displayFormat.js';
import { formatUsd } from '../cost/formatUsd.js';
import type { RunState, TaskRecord } from './runState.js';
import { SUCCESS_STATES, TERMINAL_STATES } from './types.js';

export interface FrameOptions {
  now: Date;
  /** Terminal width; lines are cut to fit, since a wrapped line breaks the redraw. */
  columns: number;
  /** Terminal height; the frame never grows taller than this. */
  rows: number;
  color: boolean;
}

export function renderProgressFrame(state: RunState, options: FrameOptions): string[] {
  const nowIso = options.now.toISOString();
  const tasks = Object.values(state.tasks);
  const tokensIn = tasks.reduce((sum, t) => sum + t.usage.inputTokens + t.usage.cacheCreationInputTokens + t.usage.cacheReadInputTokens, 0);
  const tokensOut = tasks.reduce((sum, t) => sum + t.usage.outputTokens, 0);
  const done = tasks.filter((t) => TERMINAL_STATES.has(t.state)).length;
  const elapsed = formatDuration(elapsedMs(state.startedAt, state.endedAt ?? nowIso) ?? 0);
  const lines = [
    `flux-triton ${state.graphName} · run ${state.runId} · ${state.provider} · ${elapsed} · ${done}/${tasks.length} done · tokens ${formatTokens(tokensIn)} in / ${formatTokens(tokensOut)} out · cost ${formatUsd(state.costUsd)}`,
  ];
  const idWidth = Math.max(4, ...tasks.map((t) => t.id.length));
  const titleWidth = Math.min(40, Math.max(10, ...tasks.map((t) => t.title.length)));
  for (const phase of state.phases) {
    const inPhase = tasks.filter((t) => t.phase === phase.id);
    if (inPhase.length === 0) continue;
    const succeeded = inPhase.filter((t) => SUCCESS_STATES.has(t.state)).length;
    lines.push(`${phase.title} (${phase.id}) ${succeeded}/${inPhase.length}`);
    for (const task of inPhase) lines.push(taskLine(task, nowIso, idWidth, titleWidth, options.color));
  }
  const orphans = tasks.filter((t) => !state.phases.some((p) => p.id === t.phase));
  for (const task of orphans) lines.push(taskLine(task, nowIso, idWidth, titleWidth, options.color));
  return fit(lines, options);
}

function taskLine(task: TaskRecord, nowIso: string, idWidth: number, titleWidth: number, color: boolean): string {
  const running = !TERMINAL_STATES.has(task.state);
  const ms = elapsedMs(task.startedAt, task.endedAt ?? (running ? nowIso : undefined));
  const tokens = task.usage.inputTokens + task.usage.outputTokens + task.usage.cacheCreationInputTokens + task.usage.cacheReadInputTokens;
  const title = task.title.length > titleWidth ? `${task.title.slice(0, titleWidth - 1)}…` : task.title.padEnd(titleWidth);
  const state = colorState(task.state, `${STATE_SYMBOLS[task.state]} ${task.state.padEnd(11)}`, color);
  const attempts = task.verify.length > 1 ? ` attempt ${task.verify.length}` : '';
  const cost = task.turns > 0 ? ` ${formatUsd(task.costUsd).padStart(8)}` : ''.padStart(9);
  return `  ${task.id.padEnd(idWidth)} ${title} ${state} ${(ms === undefined ? '' : formatDuration(ms)).padStart(7)} ${tokens > 0 ? formatTokens(tokens).padStart(7) : ''.padStart(7)}${cost}${attempts}`;
}

/** Cuts lines to the width (ANSI-aware) and the frame to the height. */
function fit(lines: string[], options: FrameOptions): string[] {
  const maxRows = Math.max(2, options.rows - 1);
  let kept = lines;
  if (lines.length > maxRows) kept = [...lines.slice(0, maxRows - 1), `  … ${lines.length - maxRows + 1} more lines`];
  return kept.map((line) => truncateVisible(line, Math.max(20, options.columns - 1)));
}

function truncateVisible(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      if (end !== -1) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width) return out.includes('\x1b') ? `${out}\x1b[0m` : out;
    out += line[i];
    visible++;
  }
  return out;
}
