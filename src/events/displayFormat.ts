// How durations, token counts and times read on a terminal and in reports. Shared by the
// progress view and the report renderers so both say the same thing the same way.
import type { TaskState } from './types.js';

/** `850ms`, `12s`, `3m 04s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes < 60) return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** `950`, `12.3k`, `4.56M`. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 2 : 1).replace(/\.?0+$/, '')}k`;
  return `${(n / 1_000_000).toFixed(2).replace(/\.?0+$/, '')}M`;
}

/** Local wall-clock `HH:MM:SS` of an ISO timestamp. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '--:--:--';
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Milliseconds between two ISO timestamps, or undefined when either is missing. */
export function elapsedMs(startIso: string | undefined, endIso: string | undefined): number | undefined {
  if (!startIso || !endIso) return undefined;
  const ms = Date.parse(endIso) - Date.parse(startIso);
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

export const STATE_SYMBOLS: Record<TaskState, string> = {
  pending: '·',
  running: '▶',
  verifying: '?',
  repairing: '↻',
  succeeded: '✓',
  cached: '=',
  failed: '✗',
  blocked: '⊘',
  interrupted: '!',
};

const ANSI_BY_STATE: Record<TaskState, string> = {
  pending: '2', // dim
  running: '36', // cyan
  verifying: '36',
  repairing: '33', // yellow
  succeeded: '32', // green
  cached: '32',
  failed: '31', // red
  blocked: '33',
  interrupted: '35', // magenta
};

/** Wraps `text` in the state's colour when `color` is on. */
export function colorState(state: TaskState, text: string, color: boolean): string {
  return color ? `\x1b[${ANSI_BY_STATE[state]}m${text}\x1b[0m` : text;
}
