// What the user watches during a run. Three modes, chosen by the caller:
// - a TTY gets a live view, redrawn in place at most every `intervalMs` (ANSI only);
// - anything else (CI logs, pipes) gets one plain line per task state change or notice;
// - `json` writes every event as NDJSON, for tools that drive flux-triton.
import type { Writable } from 'node:stream';
import { formatUsd } from '../cost/formatUsd.js';
import { elapsedMs, formatClock, formatDuration } from './displayFormat.js';
import { renderProgressFrame } from './progressFrame.js';
import type { RunEventSubscriber } from './runEventBus.js';
import { applyRunEvent, type RunState } from './runState.js';
import { countStates, describeCounts } from './stateCounts.js';
import type { RunEvent, TaskState } from './types.js';

export interface ProgressViewOptions {
  stream: NodeJS.WriteStream | Writable;
  isTTY: boolean;
  json: boolean;
  now?: () => Date;
  /** Minimum time between redraws of the live view. */
  intervalMs?: number;
  color?: boolean;
}

export class ProgressView implements RunEventSubscriber {
  private state: RunState | undefined;
  private readonly now: () => Date;
  private readonly intervalMs: number;
  private readonly live: boolean;
  private readonly color: boolean;
  private linesDrawn = 0;
  private ended = false;
  private lastDrawAt = 0;
  private pendingDraw: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly options: ProgressViewOptions) {
    this.now = options.now ?? (() => new Date());
    this.intervalMs = options.intervalMs ?? 100;
    this.live = options.isTTY && !options.json;
    this.color = options.color ?? this.live;
  }

  onEvent(event: RunEvent): void {
    this.state = applyRunEvent(this.state, event);
    if (this.options.json) {
      this.write(`${JSON.stringify(event)}\n`);
    } else if (this.live) {
      this.onLiveEvent(event);
    } else {
      const line = plainLine(event, this.state);
      if (line) this.write(`${line}\n`);
    }
  }

  async close(): Promise<void> {
    this.stopTimers();
    // After run:end the final frame is already on screen; drawing again would repeat it.
    if (this.live && this.state && !this.ended) this.draw();
  }

  private onLiveEvent(event: RunEvent): void {
    if (event.type === 'run:start') {
      // Keep the elapsed clock moving even when no event arrives.
      this.ticker = setInterval(() => this.scheduleDraw(), 1000);
      this.ticker.unref();
    }
    if (event.type === 'run:notice') {
      this.clearFrame();
      this.write(`${plainLine(event, this.state as RunState)}\n`);
      this.draw();
      return;
    }
    if (event.type === 'run:end') {
      this.stopTimers();
      this.draw();
      this.write(`${plainLine(event, this.state as RunState)}\n`);
      this.linesDrawn = 0; // the final frame stays on screen
      this.ended = true;
      return;
    }
    this.scheduleDraw();
  }

  private scheduleDraw(): void {
    if (this.pendingDraw) return;
    const wait = Math.max(0, this.lastDrawAt + this.intervalMs - this.now().getTime());
    this.pendingDraw = setTimeout(() => {
      this.pendingDraw = undefined;
      this.draw();
    }, wait);
    this.pendingDraw.unref();
  }

  private draw(): void {
    if (!this.state) return;
    const stream = this.options.stream as Partial<NodeJS.WriteStream>;
    const lines = renderProgressFrame(this.state, {
      now: this.now(),
      // A pseudo-terminal that never had its size set reports 0 columns and rows.
      columns: stream.columns || 100,
      rows: stream.rows || 40,
      color: this.color,
    });
    this.clearFrame();
    this.write(lines.map((line) => `${line}\n`).join(''));
    this.linesDrawn = lines.length;
    this.lastDrawAt = this.now().getTime();
  }

  /** Moves the cursor to the frame's first line and erases down. */
  private clearFrame(): void {
    if (this.linesDrawn > 0) this.write(`\x1b[${this.linesDrawn}F\x1b[0J`);
    this.linesDrawn = 0;
  }

  private stopTimers(): void {
    if (this.pendingDraw) clearTimeout(this.pendingDraw);
    if (this.ticker) clearInterval(this.ticker);
    this.pendingDraw = undefined;
    this.ticker = undefined;
  }

  private write(text: string): void {
    this.options.stream.write(text);
  }
}

const STATES_WORTH_A_LINE: ReadonlySet<TaskState> = new Set(['running', 'repairing', 'succeeded', 'cached', 'failed', 'blocked', 'interrupted']);

/** The non-TTY line for an event, or undefined when the event is not worth a line. */
export function plainLine(event: RunEvent, state: RunState): string | undefined {
  const stamp = `[${formatClock(event.at)}]`;
  switch (event.type) {
    case 'run:start':
      return `${stamp} run ${event.runId} started: ${event.graphName}, ${event.tasks.length} tasks, provider ${event.provider}${event.resumedFrom ? `, resuming ${event.resumedFrom}` : ''}`;
    case 'task:state':
      if (!STATES_WORTH_A_LINE.has(event.state)) return undefined;
      return `${stamp} ${event.task} ${event.state}${event.reason ? `: ${event.reason}` : ''}${event.state === 'succeeded' && state.tasks[event.task]?.turns ? ` (cost ${formatUsd(state.tasks[event.task]?.costUsd)})` : ''}`;
    case 'run:notice':
      return `${stamp} ${event.level === 'warn' ? 'warning' : 'note'}: ${event.task ? `${event.task}: ` : ''}${event.message}`;
    case 'run:end': {
      const summary = describeCounts(countStates(Object.values(state.tasks)));
      return `${stamp} run ${event.runId} ${event.status}: ${summary} (${formatDuration(elapsedMs(state.startedAt, event.at) ?? 0)}, cost ${formatUsd(state.costUsd)})`;
    }
    default:
      return undefined;
  }
}
